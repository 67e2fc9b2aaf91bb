// The referrals queue for triage. One tab per status with its count; most
// urgent first (the server's order: referrals still waiting for the
// council by soonest meeting, an overdue one first, then those without a
// meeting, longest waiting first; then accepted and declined, newest
// first); possible duplicates of one person as one row; a search by name
// or identifier; pages continued by the server's cursor. On a phone each
// row stacks into a block with its labels (app.css), so nothing scrolls
// sideways.

import { html, tag, details } from '../html.mjs'
import { api, hasRole, ROLE_BSO } from '../api.mjs'
import { dateText, STATUSES, statusTag, categoryTag, categoryNumber, levelText, agencyText, dayText, timeText, shortNoticeTag } from '../format.mjs'
import { daysBetween, londonDate, daysLeftText } from './facts-view.mjs'
import { pick, referralId, personName, caseRef, isShortNotice } from '../model.mjs'

const TABS = [{ value: '', text: 'All', count: 'all' }, ...STATUSES.map((s) => ({ ...s, count: s.value }))]
const HEAD = ['Person', 'Meeting', 'Received', 'Referring agency', 'Category', 'Suggested level', 'Status']

function subNavigation (current, counts) {
  return html`<nav class="moj-sub-navigation" aria-label="Referrals by status">
    <ul class="moj-sub-navigation__list">
      ${TABS.map((t) => {
        const n = counts && typeof counts[t.count] === 'number' ? counts[t.count] : null
        return html`<li class="moj-sub-navigation__item">
        <a class="moj-sub-navigation__link" id="tab-${t.value || 'all'}" href="/referrals${t.value ? `?status=${t.value}` : ''}"${t.value === current ? html` aria-current="page"` : ''}>${t.text}${n === null ? '' : html` <span class="app-count" data-count="${n}">(${n})</span>`}</a>
      </li>`
      })}
    </ul>
  </nav>`
}

/** A page of the queue: its rows, the cursor of the next page, the counts. */
export function pageOf (data) {
  if (!data || typeof data !== 'object') return { items: [], next: undefined, counts: null, more: false }
  return {
    items: Array.isArray(data.items) ? data.items : [],
    next: data.next || undefined,
    counts: data.counts && typeof data.counts === 'object' ? data.counts : null,
    more: data.more === true
  }
}

/** The meeting's date and the days left to it (today in UK time). */
function meetingCell (r, today = londonDate(new Date())) {
  const d = r.meeting && r.meeting.date
  if (!d) return 'No meeting yet'
  const left = daysBetween(today, d)
  return html`${dateText(d)}<br><span class="govuk-body-s${left < 14 ? ' govuk-!-font-weight-bold' : ''}">${daysLeftText(left)}</span>`
}

function agencyName (r) {
  const agency = pick(r, 'referringAgency')
  return agency && typeof agency === 'object' ? (agency.name || agencyText(agency)) : agencyText(agency)
}

/** The other referrals of the row's person: a disclosure with a link to each. */
function duplicatesOf (r) {
  const dups = Array.isArray(r.duplicates) ? r.duplicates : []
  if (dups.length === 0) return ''
  return details({
    summary: `${dups.length + 1} referrals for this person (possible duplicates)`,
    body: html`<p class="govuk-body-s">The same case, or the same family name and date of birth. Check them together before deciding.</p>
      <ul class="govuk-list govuk-body-s app-duplicates">
        ${dups.map((d) => {
          const received = pick(d, 'receivedAt')
          return html`<li><a class="govuk-link" href="/referrals/${encodeURIComponent(referralId(d) || '')}">${pick(d, 'agencyReference') || 'Referral'}</a>:
            ${received ? `received ${dayText(received)}, ` : ''}${agencyName(d) || ''} ${statusTag(d.status)}</li>`
        })}
      </ul>`
  })
}

/** The cells of one row (the person cell first). */
function row (r) {
  const id = referralId(r)
  const category = pick(r, 'primaryCategory')
  const ref = pick(r, 'agencyReference') || caseRef(r)
  const received = pick(r, 'receivedAt')
  return [
    html`<a class="govuk-link" href="/referrals/${encodeURIComponent(id || '')}">${personName(r) || 'Referral'}</a>
      ${ref ? html`<br><span class="govuk-body-s app-secondary">${ref}</span>` : ''}
      ${duplicatesOf(r)}`,
    meetingCell(r),
    received ? html`${dayText(received)}<br><span class="govuk-body-s app-secondary">${timeText(received)}</span>` : null,
    agencyName(r),
    categoryNumber(category) ? categoryTag(category) : html`<span class="app-not-known">${outcomeText(r)}</span>`,
    pick(r, 'suggestedLevel') ? levelText(pick(r, 'suggestedLevel')) : (r.status === 'received' ? null : 'None suggested'),
    html`<ul class="app-tag-list">
      <li>${statusTag(r.status)}</li>
      ${isShortNotice(r) ? html`<li>${shortNoticeTag()}</li>` : ''}
      ${r.possibleMatch ? html`<li>${tag('Possible match', 'orange')}</li>` : ''}
    </ul>`
  ]
}

/**
 * The queue's table. Each cell carries its column's name (data-label), which
 * app.css shows beside the value when the rows stack on a small screen.
 */
function queueTable (items, caption) {
  // Explicit roles: a table whose rows are laid out as blocks (app.css)
  // would otherwise lose its table semantics in some browsers.
  return html`<table class="govuk-table app-queue" id="referrals" role="table">
    <caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
    <thead class="govuk-table__head" role="rowgroup"><tr class="govuk-table__row" role="row">
      ${HEAD.map((h) => html`<th scope="col" class="govuk-table__header" role="columnheader">${h}</th>`)}
    </tr></thead>
    <tbody class="govuk-table__body" role="rowgroup">
      ${items.map((r) => html`<tr class="govuk-table__row${Array.isArray(r.duplicates) && r.duplicates.length ? ' app-queue__group' : ''}" role="row">
        ${row(r).map((c, i) => i === 0
          ? html`<th scope="row" class="govuk-table__header" role="rowheader">${c ?? 'Not known'}</th>`
          : html`<td class="govuk-table__cell" data-label="${HEAD[i]}" role="cell">${c ?? 'Not known'}</td>`)}
      </tr>`)}
    </tbody>
  </table>`
}

function searchForm (text) {
  return html`<form id="queue-search" class="app-queue-search" method="get" action="/referrals" role="search" aria-label="Referrals" novalidate>
    <div class="govuk-form-group">
      <label class="govuk-label govuk-label--s" for="q">Search referrals</label>
      <div class="govuk-hint" id="q-hint">A name, CRN, PNC number, council number or agency reference</div>
      <div class="app-queue-search__row">
        <input class="govuk-input app-queue-search__input" id="q" name="q" type="search" value="${text}" aria-describedby="q-hint" spellcheck="false" autocomplete="off" maxlength="100">
        <button type="submit" class="govuk-button govuk-button--secondary app-queue-search__button" data-module="govuk-button">Search</button>
      </div>
    </div>
  </form>`
}

function countsText (counts) {
  if (!counts) return ''
  const parts = STATUSES.filter((s) => counts[s.value] > 0).map((s) => `${counts[s.value]} ${s.text.toLowerCase()}`)
  return parts.length ? ` (${parts.join(', ')})` : ''
}

export function queuePage (data, { status = '', search = '', cursor = '', isBSO = false } = {}) {
  const { items, next, counts, more } = pageOf(data)
  const tab = TABS.find((t) => t.value === status) || TABS[0]
  const nextQ = new URLSearchParams()
  if (status) nextQ.set('status', status)
  if (next) nextQ.set('cursor', next)
  const found = counts && typeof counts.all === 'number' ? counts.all : items.length
  return html`
    <h1 class="govuk-heading-l">Referrals</h1>
    ${isBSO ? html`<a href="/referrals/new" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="enter-referral">Enter a referral</a>` : ''}
    ${searchForm(search)}
    ${search
      ? html`<h2 class="govuk-heading-m" id="search-results">${found === 0 ? 'No referrals found' : `${found} ${found === 1 ? 'referral' : 'referrals'} found`}${countsText(found ? counts : null)}</h2>
        ${more ? html`<p class="govuk-body" id="search-more">More referrals match than are shown (at most 50). Search by an identifier, or by the first given name and the family name.</p>` : ''}
        ${found === 0 ? html`<p class="govuk-body">Check the spelling, or search by a CRN, PNC number, council number or agency reference. Names are matched whole: the family name, or the first given name and the family name.</p>` : ''}
        <p class="govuk-body"><a class="govuk-link" href="/referrals" id="clear-search">Clear the search</a></p>`
      : subNavigation(status, counts)}
    ${items.length === 0
      ? (search ? '' : html`<p class="govuk-body" id="queue-empty">There are no ${status ? html`${tab.text.toLowerCase()} ` : ''}referrals.</p>`)
      : html`<p class="govuk-body-s app-secondary" id="queue-order">Most urgent first: referrals waiting for a decision by their meeting date (a meeting that has passed first, then the soonest), then those without a meeting (waiting longest first), then accepted and declined ones (newest first).</p>
        <div class="app-table-wrap" tabindex="0" role="region" aria-label="Referrals">${queueTable(items, search ? 'Referrals found' : (status ? `${tab.text} referrals${cursor ? ' (continued)' : ''}` : `All referrals${cursor ? ' (continued)' : ''}`))}</div>`}
    ${next && !search ? html`<nav class="govuk-pagination govuk-pagination--block" aria-label="Pagination">
      <div class="govuk-pagination__next">
        <a class="govuk-link govuk-pagination__link" href="/referrals?${nextQ}" rel="next" id="queue-next">
          <svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"></path></svg>
          <span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page of referrals</span></span>
        </a>
      </div>
    </nav>` : ''}`
}

export async function renderQueue (ctx, params) {
  const status = STATUSES.some((s) => s.value === params.get('status')) ? params.get('status') : ''
  const cursor = params.get('cursor') || ''
  const q = new URLSearchParams()
  if (status) q.set('status', status)
  if (cursor) q.set('cursor', cursor)
  const data = await api(`/v1/staff/referrals${q.toString() ? '?' + q : ''}`)
  const tab = TABS.find((t) => t.value === status) || TABS[0]
  const isBSO = hasRole(ctx.who, ROLE_BSO)
  if (!ctx.show(status ? `Referrals: ${tab.text.toLowerCase()}` : 'Referrals', queuePage(data, { status, cursor, isBSO }))) return
  // A search is kept in the page, not the address: neither the URL, the
  // browser's history nor the title ever holds the text (it may be a name).
  const listen = () => document.getElementById('queue-search')?.addEventListener('submit', async (e) => {
    e.preventDefault()
    const text = e.target.elements.q.value.trim().slice(0, 100)
    if (!text) {
      ctx.navigate('/referrals')
      return
    }
    const found = await api(`/v1/staff/referrals?${new URLSearchParams({ q: text })}`)
    if (!ctx.current()) return
    ctx.show('Referrals: search', queuePage(found, { search: text, isBSO }), { focus: false })
    const heading = document.getElementById('search-results')
    if (heading) {
      heading.setAttribute('tabindex', '-1')
      heading.focus()
    }
    listen()
  })
  listen()
}

// _test exposes the renderers to the module tests.
export const _test = { row, pageOf, queuePage }

// outcomeText says why a referral has no category: not classified yet, not
// eligible, or the engine could not decide without more facts.
function outcomeText (r) {
  switch (r.outcome) {
    case 'not-eligible': return 'Not eligible'
    case 'cannot-decide': return 'Cannot decide'
    default: return r.status === 'received' ? 'Not classified yet' : 'Not known'
  }
}
