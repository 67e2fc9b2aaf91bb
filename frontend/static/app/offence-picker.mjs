// An accessible autocomplete for the offence questions: the member of staff
// types part of the offence's name, its Act or its section ("wounding",
// "s.47", "Sexual Offences Act 2003 s.9"), the list below offers matches
// from GET /v1/offences (best first, each with its Schedule 15 and
// Schedule 3 status), and choosing one fills the hidden offence code. Nobody
// types a code.
//
// It is the ARIA 1.2 combobox pattern (as GOV.UK's accessible-autocomplete,
// whose UMD bundle does not fit this ES-module app): an input with
// role="combobox", aria-expanded, aria-controls and aria-activedescendant; a
// listbox of options; Up/Down move, Enter chooses, Escape closes; and a
// polite status line that says how many results there are.

import { html } from './html.mjs'
import { api, SignedOut } from './api.mjs'

const MIN_CHARS = 2
const LIMIT = 10
const DELAY_MS = 150
const cache = new Map()

/** The label shown in the input for a chosen offence. */
export function offenceLabel (o) {
  return o.section ? `${o.title} (${o.reference})` : o.title
}

/**
 * The picker's markup for offence i. v: form values; error: the message
 * for the offence, if any. The visible input (id offence-i-code, named
 * offence-i-search) holds what was typed or the chosen offence's label; the
 * hidden input named offence-i-code holds the chosen code.
 */
export function offencePicker (i, v, error) {
  const id = `offence-${i}-code`
  const code = v[`offence-${i}-code`] || ''
  const typed = v[`offence-${i}-search`] ?? code
  const status = v[`offence-${i}-status`] || ''
  const describedBy = [`${id}-hint`, error ? `${id}-error` : '', `${id}-chosen`].filter(Boolean).join(' ')
  return html`<div class="govuk-form-group app-offence-picker${error ? ' govuk-form-group--error' : ''}" data-offence-picker="${i}">
    <label class="govuk-label" for="${id}">Offence</label>
    <div id="${id}-hint" class="govuk-hint">Type part of its name, its Act or its section, for example “wounding”, “s.47” or “Sexual Offences Act 2003 s.9”, then choose it from the list.</div>
    ${error ? html`<p id="${id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${error}</p>` : ''}
    <div class="app-combobox">
      <input class="govuk-input${error ? ' govuk-input--error' : ''}" id="${id}" name="offence-${i}-search" type="text" value="${typed}"
        role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="${id}-listbox" aria-describedby="${describedBy}" autocomplete="off" spellcheck="false">
      <ul class="app-combobox__listbox" id="${id}-listbox" role="listbox" aria-label="Offences matching what you typed" hidden></ul>
    </div>
    <input type="hidden" id="${id}-value" name="offence-${i}-code" value="${code}">
    <input type="hidden" id="${id}-status-value" name="offence-${i}-status" value="${status}">
    <p class="govuk-body-s app-secondary" id="${id}-chosen">${code ? `Chosen: ${code}. ${status}` : 'No offence chosen yet.'}</p>
    <div class="govuk-visually-hidden" role="status" aria-live="polite" id="${id}-results"></div>
  </div>`
}

/** Makes every offence picker in root work. */
export function enhanceOffencePickers (root) {
  root.querySelectorAll('[data-offence-picker]').forEach(enhance)
}

function enhance (box) {
  const input = box.querySelector('[role="combobox"]')
  const list = box.querySelector('[role="listbox"]')
  const code = box.querySelector('input[type="hidden"][name$="-code"]')
  const statusValue = box.querySelector('input[type="hidden"][name$="-status"]')
  const chosen = box.querySelector(`#${input.id}-chosen`)
  const live = box.querySelector('[role="status"]')
  let items = []
  let active = -1
  let timer = null
  let asked = ''

  const close = () => {
    list.hidden = true
    list.innerHTML = ''
    input.setAttribute('aria-expanded', 'false')
    input.removeAttribute('aria-activedescendant')
    active = -1
  }
  const setActive = (n) => {
    active = n
    list.querySelectorAll('[role="option"]').forEach((li, k) => li.setAttribute('aria-selected', String(k === n)))
    if (n >= 0) {
      const li = list.children[n]
      input.setAttribute('aria-activedescendant', li.id)
      li.scrollIntoView({ block: 'nearest' })
    } else {
      input.removeAttribute('aria-activedescendant')
    }
  }
  const choose = (o) => {
    input.value = offenceLabel(o)
    code.value = o.code
    statusValue.value = o.status
    chosen.textContent = `Chosen: ${o.code}. ${o.status}`
    live.textContent = `${offenceLabel(o)} chosen`
    close()
  }
  const show = (page, q) => {
    if (q !== input.value.trim()) return
    items = page.items
    list.innerHTML = ''
    items.forEach((o, k) => {
      const li = document.createElement('li')
      li.id = `${input.id}-option-${k}`
      li.setAttribute('role', 'option')
      li.setAttribute('aria-selected', 'false')
      li.className = 'app-combobox__option'
      const name = document.createElement('span')
      name.textContent = offenceLabel(o)
      const st = document.createElement('span')
      st.className = 'app-combobox__status'
      st.textContent = o.status
      li.append(name, st)
      li.addEventListener('mousedown', (ev) => { ev.preventDefault(); choose(o) })
      list.append(li)
    })
    const n = items.length
    if (n === 0) {
      const li = document.createElement('li')
      li.className = 'app-combobox__option app-combobox__option--none'
      li.textContent = 'No offence in the list matches. Try other words, or describe the offence below.'
      list.append(li)
    }
    list.hidden = false
    input.setAttribute('aria-expanded', 'true')
    live.textContent = n === 0
      ? 'No results'
      : `${page.total} ${page.total === 1 ? 'result' : 'results'}${page.total > n ? `, the first ${n} shown` : ''}. Use the up and down arrows to move through them, and Enter to choose.`
    setActive(-1)
  }
  const search = async () => {
    const q = input.value.trim()
    if (q.length < MIN_CHARS) { close(); live.textContent = ''; return }
    if (q === asked && !list.hidden) return
    asked = q
    try {
      let page = cache.get(q)
      if (!page) {
        page = await api(`/v1/offences?q=${encodeURIComponent(q)}&limit=${LIMIT}`)
        cache.set(q, page)
      }
      show(page, q)
    } catch (err) {
      if (err instanceof SignedOut) return
      close()
      live.textContent = 'The offence list could not be searched. Try again, or describe the offence below.'
    }
  }

  input.addEventListener('input', () => {
    // Typing again forgets the choice: the code comes only from the list.
    if (code.value) {
      code.value = ''
      statusValue.value = ''
      chosen.textContent = 'No offence chosen yet.'
    }
    clearTimeout(timer)
    timer = setTimeout(search, DELAY_MS)
  })
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown') {
      ev.preventDefault()
      if (list.hidden) { search(); return }
      if (items.length) setActive(Math.min(active + 1, items.length - 1))
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault()
      if (items.length) setActive(Math.max(active - 1, 0))
    } else if (ev.key === 'Enter') {
      if (!list.hidden && active >= 0) { ev.preventDefault(); choose(items[active]) }
    } else if (ev.key === 'Escape') {
      if (!list.hidden) { ev.preventDefault(); close() }
    }
  })
  input.addEventListener('blur', () => setTimeout(close, 100))
}
