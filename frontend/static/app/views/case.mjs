// The case record: one person managed under MAPPA. Identifiers; category and
// level with their history; the referrals that formed it. Page title: "Case
// record" (never a name).

import { html, summaryList, summaryCard, table, tag } from '../html.mjs'
import { api } from '../api.mjs'
import { categoryText, categoryNumber, levelNumber, dateText, dateTimeText, statusTag, agencyText, actorText } from '../format.mjs'
import { classificationOf } from '../model.mjs'
import { nameOf } from './facts-view.mjs'

function listOr (xs) {
  return Array.isArray(xs) && xs.length ? xs.join(', ') : undefined
}

function levelRows (c, who) {
  return (c.levelHistory || []).slice().sort((a, b) => String(b.at).localeCompare(String(a.at))).map((l) => [
    dateTimeText(l.at),
    l.previousLevel && l.previousLevel !== l.level ? `Level changed from ${l.previousLevel} to ${l.level}` : `Level ${l.level} confirmed`,
    actorText(l.actor, { who }),
    l.reason || 'None given'
  ])
}

export function casePage (c, who) {
  const p = c.person || {}
  const cl = classificationOf(c)
  const level = levelNumber(c.level)
  const suggested = levelNumber(c.suggestedLevel)
  const category = cl && cl.outcome === 'eligible' && categoryNumber(cl.primaryCategory) ? categoryText(cl.primaryCategory) : (cl && cl.outcome === 'not-eligible' ? 'Not eligible for MAPPA' : (cl && cl.outcome === 'cannot-decide' ? 'Cannot decide: information missing' : undefined))
  const referrals = (c.referrals || []).slice().sort((a, b) => String(b.receivedAt).localeCompare(String(a.receivedAt)))
  return html`
    <span class="govuk-caption-l">Case record</span>
    <h1 class="govuk-heading-l" id="person-name">${nameOf(p) || 'Case record'}</h1>
    ${c.status && c.status !== 'open' ? html`<div class="govuk-inset-text">This case was merged into <a class="govuk-link" href="/cases/${encodeURIComponent(c.mergedInto || '')}">another case</a>. Its referrals are on that case now.</div>` : ''}
    <dl class="govuk-summary-list" id="case-summary">
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Category</dt><dd class="govuk-summary-list__value">${category || html`<span class="app-not-known">Not classified yet</span>`}</dd></div>
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Level of management</dt><dd class="govuk-summary-list__value">${level ? html`Level ${level} ${tag('Confirmed', 'green')}` : html`Not confirmed yet${suggested ? html` (level ${suggested} suggested)` : ''}`}</dd></div>
    </dl>
    ${summaryCard('Identifiers', summaryList([
      { key: 'Date of birth', value: p.dateOfBirth ? dateText(p.dateOfBirth) : undefined },
      { key: 'Other names', value: listOr((p.aliases || []).map(nameOf).filter(Boolean)) || 'None given' },
      { key: 'nDelius CRN', value: listOr(c.identifiers && c.identifiers.crn) },
      { key: 'PNC number', value: listOr(c.identifiers && c.identifiers.pnc) },
      { key: 'Council case number', value: listOr(c.identifiers && c.identifiers.councilNumber) },
      { key: 'Case opened', value: c.createdAt ? dateTimeText(c.createdAt) : undefined }
    ]))}
    <p class="govuk-body"><a class="govuk-link" href="/cases/${encodeURIComponent(c.id || '')}/meetings" id="meetings-link">Meetings, children and tasks</a></p>
    <h2 class="govuk-heading-m" id="level-history">Category and level history</h2>
    ${levelRows(c, who).length
      ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'level-history-table', caption: 'Level of management, newest first', captionSize: 's', head: ['When', 'What happened', 'Who', 'Reason'], rows: levelRows(c, who) })}</div>`
      : html`<p class="govuk-body">No level has been confirmed yet.</p>`}
    <h2 class="govuk-heading-m" id="referrals">Referrals</h2>
    ${referrals.length
      ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
          id: 'case-referrals',
          caption: 'The referrals that formed this case, newest first',
          captionSize: 's',
          head: ['Received', 'Agency', 'Agency reference', 'Status'],
          rows: referrals.map((r) => [
            html`<a class="govuk-link" href="/referrals/${encodeURIComponent(r.id)}">${dateTimeText(r.receivedAt)}</a>`,
            agencyText(r.agency),
            r.agencyReference,
            statusTag(r.status)
          ])
        })}</div>`
      : html`<p class="govuk-body">No referrals.</p>`}`
}

export async function renderCase (ctx, id) {
  const c = (await api(`/v1/staff/cases/${encodeURIComponent(id)}`)) || {}
  ctx.show('Case record', casePage(c, ctx.who))
}

export const _test = { casePage }
