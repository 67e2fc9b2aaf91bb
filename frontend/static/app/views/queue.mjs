// The referrals queue, by status (the home page puts the urgent first). One tab
// per status; a table of referrals linking to their detail pages.

import { html, table, tag } from '../html.mjs'
import { api, hasRole, ROLE_BSO } from '../api.mjs'
import { dateText, STATUSES, statusTag, categoryTag, categoryNumber, levelText, agencyText, dayText, timeText, shortNoticeTag } from '../format.mjs'
import { daysBetween, londonDate, daysLeftText } from './facts-view.mjs'
import { pick, referralId, personName, caseRef, isShortNotice } from '../model.mjs'

const TABS = [{ value: '', text: 'All' }, ...STATUSES]

function subNavigation (current) {
  return html`<nav class="moj-sub-navigation" aria-label="Referrals by status">
    <ul class="moj-sub-navigation__list">
      ${TABS.map((t) => html`<li class="moj-sub-navigation__item">
        <a class="moj-sub-navigation__link" href="/referrals${t.value ? `?status=${t.value}` : ''}"${t.value === current ? html` aria-current="page"` : ''}>${t.text}</a>
      </li>`)}
    </ul>
  </nav>`
}

/** A page of the work list: its items and the cursor of the next page. */
export function pageOf (data) {
  if (!data || typeof data !== 'object') return { items: [], next: undefined }
  return { items: Array.isArray(data.items) ? data.items : [], next: data.next || undefined }
}

/** The meeting's date and the days left to it (today in UK time). */
function meetingCell (r, today = londonDate(new Date())) {
  const d = r.meeting && r.meeting.date
  if (!d) return 'No meeting yet'
  const left = daysBetween(today, d)
  return html`${dateText(d)}<br><span class="govuk-body-s${left < 14 ? ' govuk-!-font-weight-bold' : ''}">${daysLeftText(left)}</span>`
}

function row (r) {
  const id = referralId(r)
  const category = pick(r, 'primaryCategory')
  const ref = pick(r, 'agencyReference') || caseRef(r)
  const agency = pick(r, 'referringAgency')
  const received = pick(r, 'receivedAt')
  return [
    html`<a class="govuk-link" href="/referrals/${encodeURIComponent(id || '')}">${personName(r) || 'Referral'}</a>
      ${ref ? html`<br><span class="govuk-body-s app-secondary">${ref}</span>` : ''}`,
    meetingCell(r),
    received ? html`${dayText(received)}<br><span class="govuk-body-s app-secondary">${timeText(received)}</span>` : null,
    agency && typeof agency === 'object' ? (agency.name || agencyText(agency)) : agencyText(agency),
    categoryNumber(category) ? categoryTag(category) : html`<span class="app-not-known">${outcomeText(r)}</span>`,
    pick(r, 'suggestedLevel') ? levelText(pick(r, 'suggestedLevel')) : (r.status === 'received' ? null : 'None suggested'),
    html`<ul class="app-tag-list">
      <li>${statusTag(r.status)}</li>
      ${isShortNotice(r) ? html`<li>${shortNoticeTag()}</li>` : ''}
      ${r.possibleMatch ? html`<li>${tag('Possible match', 'orange')}</li>` : ''}
    </ul>`
  ]
}

export async function renderQueue (ctx, params) {
  const status = STATUSES.some((s) => s.value === params.get('status')) ? params.get('status') : ''
  const q = new URLSearchParams()
  if (status) q.set('status', status)
  if (params.get('cursor')) q.set('cursor', params.get('cursor'))
  const data = await api(`/v1/staff/referrals${q.toString() ? '?' + q : ''}`)
  const { items, next } = pageOf(data)
  const tabText = TABS.find((t) => t.value === status).text
  const nextQ = new URLSearchParams(q)
  if (next) nextQ.set('cursor', next)
  ctx.show(status ? `Referrals: ${tabText.toLowerCase()}` : 'Referrals', html`
    <h1 class="govuk-heading-l">Referrals</h1>
    ${hasRole(ctx.who, ROLE_BSO) ? html`<a href="/referrals/new" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="enter-referral">Enter a referral</a>` : ''}
    ${subNavigation(status)}
    ${items.length === 0
      ? html`<p class="govuk-body" id="queue-empty">There are no ${status ? html`${tabText.toLowerCase()} ` : ''}referrals.</p>`
      : html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
          id: 'referrals',
          caption: status ? `${tabText} referrals` : 'All referrals',
          captionSize: 's',
          head: ['Person', 'Meeting', 'Received', 'Referring agency', 'Category', 'Suggested level', 'Status'],
          rows: items.map(row)
        })}</div>`}
    ${next ? html`<nav class="govuk-pagination govuk-pagination--block" aria-label="Pagination">
      <div class="govuk-pagination__next">
        <a class="govuk-link govuk-pagination__link" href="/referrals?${nextQ}" rel="next">
          <svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"></path></svg>
          <span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span></span>
        </a>
      </div>
    </nav>` : ''}`)
}

// _test exposes the row renderer to the module tests.
export const _test = { row, pageOf }

// outcomeText says why a referral has no category: not classified yet, not
// eligible, or the engine could not decide without more facts.
function outcomeText (r) {
  switch (r.outcome) {
    case 'not-eligible': return 'Not eligible'
    case 'cannot-decide': return 'Cannot decide'
    default: return r.status === 'received' ? 'Not classified yet' : 'Not known'
  }
}
