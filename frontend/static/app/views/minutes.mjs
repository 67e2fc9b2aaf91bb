// The record kept about one meeting's minutes (issue 12): the minutes
// themselves are never kept here. Business support officers and the case's
// social workers and managers record that the minutes arrived, any onward
// sharing with the chair's agreement, and that they were destroyed (or,
// where the offender is a child, filed on the child's record). The
// child-relevant extract is shown and written only for those who may see
// the child's record; others see that it was made, by whom and when.
// Reads GET /v1/staff/meetings/{id}/minutes (audited).

import { html, summaryList, errorSummary, warningText, input, textarea, dateInput, button, details, notificationBanner, tag } from '../html.mjs'
import { api, ApiError, staffNames } from '../api.mjs'
import { dateText, dateTimeText } from '../format.mjs'
import { formValues, readDate, dateParts } from '../forms.mjs'

const enc = encodeURIComponent

function nameOf (names, id) { return (names && names[id]) || id || '' }

function stepBy (names, s) {
  return s && s.recordedBy ? `recorded by ${nameOf(names, s.recordedBy)}, ${dateTimeText(s.recordedAt)}` : ''
}

// The forms: each step's fields, with the API's pointers.
const STEPS = {
  received: { title: 'Record that the minutes were received', button: 'Record receipt', fields: [['from', 'Who sent them', 'For example, the MAPPA co-ordinator’s unit or the chair’s office. Not a person’s personal details.']] },
  shared: { title: 'Record an onward sharing (with the chair’s agreement)', button: 'Record the sharing', fields: [['to', 'Shared with', 'Who received a copy or the information.'], ['approvedBy', 'Agreed by (the chair)', 'Minutes may be shared outside the meeting only with the chair’s agreement.']] },
  destroyed: { title: 'Record that the minutes were destroyed', button: 'Record destruction', fields: [['destroyedBy', 'Destroyed by', 'Who destroyed them, and how if useful (for example, shredded).']] },
  filed: { title: 'Record that the minutes were filed on the child’s record', button: 'Record filing', fields: [['where', 'Where they were filed', 'The offender is the child: the minutes may go on the child’s record, in a restricted section, and are never released under an access-to-records request.']] }
}

/** The steps the record allows now. */
export function stepsOpen (v) {
  if (!v.received) return ['received']
  if (v.destroyed) return []
  const out = ['shared']
  if (!v.filed) out.push('destroyed')
  if (v.offenderIsChild && !v.filed) out.push('filed')
  return out
}

function stepForm (step, state) {
  const s = STEPS[step]
  const err = (state.step === step && state.errors) || {}
  const vals = (state.step === step && state.values) || {}
  return details({
    id: `step-${step}`,
    summary: s.title,
    open: state.step === step,
    body: html`<form id="form-${step}" data-step="${step}" novalidate>
      ${dateInput({ id: `${step}-on`, legend: 'Date', hint: 'For example, 27 3 2027', error: err.on, value: vals.on || {} })}
      ${s.fields.map(([name, label, hint]) => input({ id: `${step}-${name}`, name, label, hint, error: err[name], value: vals[name] || '' }))}
      ${button(s.button)}
    </form>`
  })
}

/** The page: v is the API's record. */
export function minutesPage (v, names, state = {}) {
  const problems = state.summary || []
  const extractMade = v.extract
  return html`
    ${errorSummary(problems)}
    ${state.flash ? notificationBanner({ success: true, heading: state.flash }) : ''}
    <span class="govuk-caption-l">Meeting on ${dateText(v.meetingDate)}</span>
    <h1 class="govuk-heading-l">Minutes record</h1>
    <p class="govuk-body"><a class="govuk-link" href="/meetings/${enc(v.meetingId)}">Back to the meeting</a></p>
    ${warningText('This service does not keep MAPPA minutes. Copy only what concerns the child into the child’s case notes, then destroy the minutes. Do not share them outside the meeting without the chair’s agreement.')}
    ${summaryList([
      { key: 'Received', id: 'm-received', value: v.received ? html`${dateText(v.received.on)} from ${v.received.from}<br><span class="govuk-hint govuk-!-font-size-16">${stepBy(names, v.received)}</span>` : 'Not yet' },
      { key: 'Child-relevant extract', id: 'm-extract', value: extractMade ? html`Made by ${nameOf(names, extractMade.recordedBy)}, ${dateTimeText(extractMade.recordedAt)}` : 'Not made' },
      { key: 'Shared onward', id: 'm-shared', value: (v.shared || []).length ? html`<ul class="govuk-list">${v.shared.map((s) => html`<li>${dateText(s.on)}: ${s.to}, agreed by ${s.approvedBy}<br><span class="govuk-hint govuk-!-font-size-16">${stepBy(names, s)}</span></li>`)}</ul>` : 'Not shared' },
      { key: 'Destroyed', id: 'm-destroyed', value: v.destroyed ? html`${dateText(v.destroyed.on)} by ${v.destroyed.destroyedBy}<br><span class="govuk-hint govuk-!-font-size-16">${stepBy(names, v.destroyed)}</span>` : (v.filed ? 'No: filed on the child’s record' : 'Not yet') },
      ...(v.offenderIsChild ? [{ key: 'Filed (the offender is a child)', id: 'm-filed', value: v.filed ? html`${dateText(v.filed.on)}: ${v.filed.where}<br><span class="govuk-hint govuk-!-font-size-16">${stepBy(names, v.filed)}</span>` : 'Not filed' }] : [])
    ])}
    <h2 class="govuk-heading-m" id="extract-heading">What concerns the child</h2>
    ${v.extractVisible
      ? html`${v.extractText ? html`<div class="govuk-inset-text" id="extract-text">${v.extractText}</div>` : html`<p class="govuk-body">No extract yet.</p>`}
        ${v.received && !v.destroyed
          ? html`<form id="extract-form" novalidate>
            ${textarea({ id: 'extract', name: 'text', label: v.extractText ? 'Replace the extract' : 'Write the extract', hint: 'Only what concerns the child, for the child’s case notes. It is kept apart from the child’s record here and shown only to those who may see the child’s record.', error: state.step === 'extract' && state.errors && state.errors.text, value: (state.step === 'extract' && state.values && state.values.text) || v.extractText || '', rows: 6 })}
            ${button('Save the extract')}
          </form>`
          : ''}`
      : html`<p class="govuk-body" id="extract-withheld">${extractMade ? 'An extract was made. ' : ''}Only those who may see the child’s record (the child’s social worker and their managers) can read or write it. ${tag('Restricted', 'grey')}</p>`}
    ${stepsOpen(v).length ? html`<h2 class="govuk-heading-m">Record what happened to the minutes</h2>${stepsOpen(v).map((s) => stepForm(s, state))}` : ''}`
}

/** Maps the API's field errors to the form of step. */
export function stepErrors (step, err) {
  const errors = {}
  const summary = []
  const list = err.fieldErrors.length ? err.fieldErrors : [{ pointer: '', detail: err.message }]
  for (const fe of list) {
    const name = String(fe.pointer || '').replace(/^\//, '')
    const detail = fe.detail ? fe.detail[0].toUpperCase() + fe.detail.slice(1) : 'There is a problem'
    if (name && !errors[name]) {
      errors[name] = detail
      summary.push({ href: name === 'on' ? `#${step}-on-day` : name === 'text' ? '#extract' : `#${step}-${name}`, text: detail })
    } else if (!name) {
      summary.push({ href: null, text: detail })
    }
  }
  return { errors, summary }
}

export async function renderMinutes (ctx, id, state = {}) {
  const [v, names] = await Promise.all([api(`/v1/staff/meetings/${enc(id)}/minutes`), staffNames()])
  if (!ctx.show('Minutes record', minutesPage(v, names, state), { error: (state.summary || []).length > 0 })) return
  const again = (s) => renderMinutes(ctx, id, s)
  for (const form of document.querySelectorAll('form[data-step]')) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const step = form.dataset.step
      const values = formValues(form)
      const d = readDate(values, `${step}-on`, 'Date')
      const kept = { on: { day: values[`${step}-on-day`], month: values[`${step}-on-month`], year: values[`${step}-on-year`] } }
      for (const [name] of STEPS[step].fields) kept[name] = values[name] || ''
      const missing = {}
      if (!d.iso) missing.on = d.error || 'Enter the date'
      for (const [name, label] of STEPS[step].fields) if (!String(values[name] || '').trim()) missing[name] = `Enter ${label.toLowerCase()}`
      if (Object.keys(missing).length) {
        const summary = Object.entries(missing).map(([k, t]) => ({ href: k === 'on' ? `#${step}-on-day` : `#${step}-${k}`, text: t }))
        await again({ step, errors: missing, summary, values: kept })
        return
      }
      const body = { step, on: d.iso }
      for (const [name] of STEPS[step].fields) body[name] = String(values[name]).trim()
      try {
        await api(`/v1/staff/meetings/${enc(id)}/minutes`, { method: 'POST', body })
        await again({ flash: { received: 'Receipt recorded.', shared: 'Sharing recorded.', destroyed: 'Destruction recorded.', filed: 'Filing recorded.' }[step] })
      } catch (err) {
        if (!(err instanceof ApiError) || !err.problem || err.status >= 500) throw err
        await again({ step, ...stepErrors(step, err), values: { ...kept, on: dateParts(d.iso) } })
      }
    })
  }
  const ex = document.getElementById('extract-form')
  if (ex) {
    ex.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const values = formValues(ex)
      if (!String(values.text || '').trim()) {
        await again({ step: 'extract', errors: { text: 'Enter what in the minutes concerns the child' }, summary: [{ href: '#extract', text: 'Enter what in the minutes concerns the child' }], values })
        return
      }
      try {
        await api(`/v1/staff/meetings/${enc(id)}/minutes/extract`, { method: 'PUT', body: { text: values.text } })
        await again({ flash: 'Extract saved.' })
      } catch (err) {
        if (!(err instanceof ApiError) || !err.problem || err.status >= 500) throw err
        await again({ step: 'extract', ...stepErrors('extract', err), values })
      }
    })
  }
}

export const _test = { minutesPage, stepsOpen, stepErrors }
