// The risk register: every open case the signed-in person may see, with its
// traffic light, level, category, risk of serious harm, next review and the
// days to it. Filters and order are query parameters of the page's URL and
// go to GET /v1/staff/register as they are: the server filters, sorts and
// pages (never the browser). The CSV download asks the server for the same
// rows (GET /v1/staff/register/export). Page title "Risk register".

import { html, table, button, select, checkboxes, radios, tag } from '../html.mjs'
import { api } from '../api.mjs'
import { session } from '../auth.mjs'
import { ragTag, riskTag, dateText } from '../format.mjs'
import { daysLeftText } from './facts-view.mjs'

const LIGHTS = [
  { value: 'red', text: 'RED' },
  { value: 'amber', text: 'AMBER' },
  { value: 'green', text: 'GREEN' },
  { value: 'none', text: 'Not set yet' }
]
const PARAMS = ['rag', 'level', 'category', 'overdue', 'sort', 'cursor', 'limit']

/** The API query of the page's parameters (only those the register takes). */
export function apiQuery (params) {
  const q = new URLSearchParams()
  for (const k of PARAMS) {
    for (const v of params.getAll(k)) if (v) q.append(k, v)
  }
  return q
}

function nextReviewCell (r) {
  const n = r.nextReview
  if (!n) return html`<span class="app-secondary">None due</span>`
  const when = n.overdue ? html`<strong class="govuk-tag govuk-tag--red">Overdue</strong> ${-n.days} ${-n.days === 1 ? 'day' : 'days'}` : daysLeftText(n.days)
  return html`${dateText(n.date)}<br><span class="govuk-body-s">${when}</span><br><span class="govuk-body-s app-secondary">${n.basis === 'booked' ? 'meeting booked' : 'due: no meeting booked'}</span>`
}

function levelCell (l) { return l ? `Level ${l}` : 'Not confirmed' }

/** The register's table rows (also used by the tests). */
export function registerRows (items) {
  return items.map((r) => [
    html`<a class="govuk-link" href="/cases/${encodeURIComponent(r.caseId)}">${[r.person && r.person.givenNames, r.person && r.person.familyName].filter(Boolean).join(' ') || 'Case'}</a>`,
    r.rag ? ragTag(r.rag) : tag('Not set', 'grey'),
    levelCell(r.level),
    r.category ? `Category ${r.category}` : 'None',
    r.risk ? riskTag(r.risk) : 'Not given',
    nextReviewCell(r)
  ])
}

function filterForm (params) {
  const lights = params.getAll('rag').flatMap((v) => v.split(','))
  return html`<form id="register-filters" class="app-register-filters" method="get" action="/register" novalidate>
    <h2 class="govuk-heading-m">Filter and sort</h2>
    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Traffic light</legend>
        <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
          ${LIGHTS.map((l) => html`<div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="rag-${l.value}" name="rag" type="checkbox" value="${l.value}"${lights.includes(l.value) ? html` checked` : ''}>
            <label class="govuk-label govuk-checkboxes__label" for="rag-${l.value}">${l.text}</label>
          </div>`)}
        </div>
      </fieldset>
    </div>
    ${select({ id: 'level', label: 'Level', value: params.get('level') || '', items: [{ value: '', text: 'Any level' }, { value: '1', text: 'Level 1' }, { value: '2', text: 'Level 2' }, { value: '3', text: 'Level 3' }, { value: 'none', text: 'Not confirmed' }] })}
    ${select({ id: 'category', label: 'Category', value: params.get('category') || '', items: [{ value: '', text: 'Any category' }, { value: '1', text: 'Category 1' }, { value: '2', text: 'Category 2' }, { value: '3', text: 'Category 3' }, { value: '4', text: 'Category 4' }] })}
    ${checkboxes({ id: 'overdue', legend: 'Reviews', small: true, items: [{ name: 'overdue', text: 'Only overdue reviews', checked: params.get('overdue') === 'true' }] })}
    ${radios({ id: 'sort', name: 'sort', legend: 'Sort by', legendSize: 's', value: params.get('sort') || 'review', items: [{ value: 'review', text: 'Days to next review, soonest first' }, { value: 'rag', text: 'Traffic light, RED first' }] })}
    ${button('Apply filters', { secondary: true })}
    <p class="govuk-body"><a class="govuk-link" href="/register">Clear filters</a></p>
  </form>`
}

function describe (params) {
  const parts = []
  const lights = params.getAll('rag').flatMap((v) => v.split(',')).filter(Boolean)
  if (lights.length) parts.push(`traffic light ${lights.map((l) => (LIGHTS.find((x) => x.value === l) || { text: l }).text).join(' or ')}`)
  if (params.get('level')) parts.push(params.get('level') === 'none' ? 'level not confirmed' : `level ${params.get('level')}`)
  if (params.get('category')) parts.push(`category ${params.get('category')}`)
  if (params.get('overdue') === 'true') parts.push('overdue reviews only')
  return parts.length ? `Showing open cases with ${parts.join(', ')}` : 'Showing every open case you may see'
}

export function registerPage (body, params) {
  const items = (body && body.items) || []
  const sortText = params.get('sort') === 'rag' ? 'traffic light (RED first), then the soonest review' : 'the soonest next review (overdue first)'
  const nextHref = body && body.next ? `/register?${new URLSearchParams([...apiQuery(params).entries()].filter(([k]) => k !== 'cursor').concat([['cursor', body.next]]))}` : null
  return html`
    <h1 class="govuk-heading-l">Risk register</h1>
    <p class="govuk-body">Every open MAPPA case you may see: its traffic light, level, category, risk of serious harm, and when its next review is. A review is <strong>booked</strong> when a meeting is arranged for that day, and <strong>due</strong> when no meeting is booked and the review window after the last meeting ends that day (level 2 every 16 weeks at most, level 3 every 8 weeks).</p>
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-one-third">${filterForm(params)}</div>
      <div class="govuk-grid-column-two-thirds">
        <p class="govuk-body" id="register-description" aria-live="polite">${describe(params)}, in order of ${sortText}.</p>
        <p class="govuk-body">${button('Download these cases (CSV)', { secondary: true, type: 'button', attrs: 'id="download-register"' })}</p>
        <p class="govuk-body app-secondary" id="download-status" role="status"></p>
        ${items.length
          ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Risk register (scrolls sideways on a small screen)">${table({
              id: 'register-table',
              caption: `Open cases${params.get('cursor') ? ' (continued)' : ''}`,
              captionSize: 's',
              head: ['Person', 'Traffic light', 'Level', 'Category', 'Risk of serious harm', 'Next review'],
              rows: registerRows(items)
            })}</div>`
          : html`<p class="govuk-body" id="register-empty">No open cases match these filters.</p>`}
        ${nextHref || params.get('cursor')
          ? html`<nav class="govuk-pagination govuk-pagination--block" aria-label="Register pages">
              ${params.get('cursor') ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="/register?${new URLSearchParams([...apiQuery(params).entries()].filter(([k]) => k !== 'cursor'))}" rel="prev"><span class="govuk-pagination__link-title">First page</span></a></div>` : ''}
              ${nextHref ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="${nextHref}" rel="next" id="register-next"><span class="govuk-pagination__link-title">Next page</span></a></div>` : ''}
            </nav>`
          : ''}
      </div>
    </div>`
}

async function download (params) {
  const q = apiQuery(params)
  q.delete('cursor')
  q.delete('limit')
  const s = session()
  const res = await fetch(`/v1/staff/register/export${q.toString() ? '?' + q : ''}`, { headers: { Authorization: `Bearer ${s && s.accessToken}`, Accept: 'text/csv' }, cache: 'no-store' })
  if (!res.ok) throw new Error(`export ${res.status}`)
  const name = (/filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '') || [])[1] || 'risk-register.csv'
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
  return res.headers.get('X-Register-Rows')
}

export async function renderRegister (ctx, params) {
  const q = apiQuery(params)
  const body = await api(`/v1/staff/register${q.toString() ? '?' + q : ''}`)
  if (!ctx.show('Risk register', registerPage(body, params))) return
  document.getElementById('register-filters')?.addEventListener('submit', (e) => {
    e.preventDefault()
    const f = e.target
    const next = new URLSearchParams()
    const lights = [...f.querySelectorAll('input[name="rag"]:checked')].map((i) => i.value)
    if (lights.length) next.set('rag', lights.join(','))
    for (const k of ['level', 'category']) if (f.elements[k].value) next.set(k, f.elements[k].value)
    if (f.elements.overdue.checked) next.set('overdue', 'true')
    const sort = f.querySelector('input[name="sort"]:checked')
    if (sort && sort.value !== 'review') next.set('sort', sort.value)
    ctx.navigate(`/register${next.toString() ? '?' + next : ''}`)
  })
  document.getElementById('download-register')?.addEventListener('click', async () => {
    const status = document.getElementById('download-status')
    try {
      const n = await download(params)
      if (status) status.textContent = `Downloaded ${n || 'the'} ${n === '1' ? 'case' : 'cases'} as a CSV file.`
    } catch (err) {
      console.error(err)
      if (status) status.textContent = 'The download did not work because of a problem with the service. Try again.'
    }
  })
}

export const _test = { registerPage, registerRows, apiQuery }
