// The case record: one person managed under MAPPA. Identifiers; category and
// level with their history; risk of serious harm and the traffic light with
// its history; the next review; associated children; the MAPPA marker
// request and its status; meetings as a timeline; actions; the referrals
// that formed it. Changes are made where they belong (the traffic light
// here; meetings, children, actions and the marker request on the case's
// meetings page). Page title: "Case record" (never a name).

import { html, summaryList, summaryCard, table, tag, radios, textarea, button, errorSummary, notificationBanner } from '../html.mjs'
import { api, hasRole, staffNames, ApiError, SignedOut, ROLE_BSO } from '../api.mjs'
import { categoryText, categoryNumber, levelNumber, dateText, dateTimeText, statusTag, agencyText, actorText, ragTag, riskTag } from '../format.mjs'
import { classificationOf } from '../model.mjs'
import { formValues } from '../forms.mjs'
import { nameOf, daysLeftText, londonDate } from './facts-view.mjs'
import { timeline } from './meetings.mjs'

const RAG_ROLES = ['social-worker', 'team-manager', 'service-manager', 'head-of-service']
const RAG_ITEMS = [
  { value: 'green', text: 'GREEN', hint: 'An acceptable plan supported by a core group; the risk is being managed.' },
  { value: 'amber', text: 'AMBER', hint: 'A plan is in place; high risk; may need multi-agency work.' },
  { value: 'red', text: 'RED', hint: 'A limited plan; very high risk; needs multi-agency co-ordination.' }
]

/** The traffic light: now, the form for the roles that set it, every change. */
export function ragSection (c, who, state = {}) {
  const errs = state.errors || {}
  const v = state.values || {}
  const can = RAG_ROLES.some((r) => hasRole(who, r))
  const hist = (c.ragHistory || []).slice().sort((a, b) => String(b.at).localeCompare(String(a.at)))
  return html`<section id="traffic-light" aria-labelledby="traffic-light-heading">
    <h2 class="govuk-heading-m" id="traffic-light-heading">Traffic light</h2>
    <p class="govuk-body" id="rag-now">${c.rag ? html`${ragTag(c.rag)} set ${hist[0] ? html`on ${dateTimeText(hist[0].at)}` : ''}` : 'Not set yet.'}</p>
    ${can
      ? html`<form id="rag-form" novalidate>
          ${radios({ id: 'rag', name: 'rag', legend: c.rag ? 'Change the traffic light' : 'Set the traffic light', legendSize: 's', error: errs.rag, value: v.rag, items: RAG_ITEMS.filter((x) => x.value !== c.rag) })}
          ${textarea({ id: 'rag-reason', name: 'reason', label: 'Reason', hint: 'What about the plan and the risk makes it this colour.', error: errs['rag-reason'], value: v.reason || '', rows: 3 })}
          ${button(c.rag ? 'Change traffic light' : 'Set traffic light', { secondary: true })}
        </form>`
      : html`<p class="govuk-body">The case’s social workers and managers set the traffic light.</p>`}
    ${hist.length
      ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
          id: 'rag-history',
          caption: 'Traffic light history, newest first',
          captionSize: 's',
          head: ['When', 'Colour', 'Who', 'Reason'],
          rows: hist.map((h) => [dateTimeText(h.at), html`${ragTag(h.rag)}${h.previous ? html` (was ${String(h.previous).toUpperCase()})` : ''}`, actorText(h.actor, { who, names: c.names }), h.reason])
        })}</div>`
      : ''}
  </section>`
}

const CLOSERS = ['service-manager', 'head-of-service']

/**
 * Closure and retention: when the case closed, whether it is on hold, when
 * its records expire; the close form for service managers and heads of
 * service, the hold form for heads of service (administrators hold through
 * the API). docs/security.md "Retention and holds".
 */
export function retentionSection (c, who, state = {}) {
  const r = c.retention || {}
  const errs = state.errors || {}
  const v = state.values || {}
  const canClose = !r.closed && c.status !== 'merged' && CLOSERS.some((x) => hasRole(who, x))
  const canHold = hasRole(who, 'head-of-service') && c.status !== 'merged'
  const names = c.names
  return html`<section id="retention" aria-labelledby="retention-heading">
    <h2 class="govuk-heading-m" id="retention-heading">Closure and retention</h2>
    ${summaryList([
      { key: 'Status', id: 'ret-status', value: r.closed ? html`Closed on ${dateTimeText(r.closed.at)} by ${actorText(r.closed.by, { who, names })}: ${r.closed.reason}` : 'Open' },
      { key: 'Hold', id: 'ret-hold', value: r.hold ? html`${tag('On hold', 'orange')} since ${dateTimeText(r.hold.at)} (${actorText(r.hold.by, { who, names })}): ${r.hold.reason}` : 'None' },
      { key: 'Records expire', id: 'ret-expires', value: r.expiresAt ? html`After ${dateText(String(r.expiresAt).slice(0, 10))} (deleted within a few days of that date; the audit is kept)` : (r.hold ? 'Not while the hold stands' : 'Not until the case is closed') }
    ])}
    ${canClose
      ? html`<details class="govuk-details" id="close-case"${errs['close-reason'] ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Close this case</span></summary>
        <div class="govuk-details__text"><form id="close-form" novalidate>
          ${textarea({ id: 'close-reason', name: 'reason', label: 'Why the case is closing', hint: 'The case and its records will expire at the end of the retention period unless a hold is placed.', error: errs['close-reason'], value: v.closeReason || '', rows: 3 })}
          ${button('Close the case', { warning: true })}
        </form></div></details>`
      : ''}
    ${canHold
      ? html`<details class="govuk-details" id="hold-case"${errs['hold-reason'] ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">${r.hold ? 'Lift the hold' : 'Place a hold'}</span></summary>
        <div class="govuk-details__text"><form id="hold-form" data-held="${r.hold ? 'false' : 'true'}" novalidate>
          ${textarea({ id: 'hold-reason', name: 'reason', label: r.hold ? 'Why the hold can be lifted' : 'Why the records must be kept', hint: r.hold ? '' : 'For example: litigation, an inquiry, a safeguarding practice review, a subject access request.', error: errs['hold-reason'], value: v.holdReason || '', rows: 3 })}
          ${button(r.hold ? 'Lift the hold' : 'Place a hold', { secondary: true })}
        </form></div></details>`
      : ''}
  </section>`
}

function riskSection (latest) {
  const r = (latest && latest.referral && latest.referral.currentRisk) || null
  if (!r) {
    return html`<section id="risk" aria-labelledby="risk-heading">
      <h2 class="govuk-heading-m" id="risk-heading">Risk of serious harm</h2>
      <p class="govuk-body">The latest referral gave no risk of serious harm.</p>
    </section>`
  }
  return html`<section id="risk" aria-labelledby="risk-heading">
    <h2 class="govuk-heading-m" id="risk-heading">Risk of serious harm</h2>
    <p class="govuk-body">As the latest referral gave it${latest.receivedAt ? html` (${dateText(String(latest.receivedAt).slice(0, 10))})` : ''}.</p>
    ${summaryList([
      { key: 'Children', value: riskTag(r.children) || undefined },
      { key: 'The public', value: riskTag(r.public) || undefined },
      { key: 'A known adult', value: riskTag(r.knownAdult) || undefined },
      { key: 'Staff', value: riskTag(r.staff) || undefined },
      { key: 'Who is at risk', value: r.toWhom }
    ])}
  </section>`
}

function listOr (xs) {
  return Array.isArray(xs) && xs.length ? xs.join(', ') : undefined
}

function levelRows (c, who, names = c.names) {
  return (c.levelHistory || []).slice().sort((a, b) => String(b.at).localeCompare(String(a.at))).map((l) => [
    dateTimeText(l.at),
    l.previousLevel && l.previousLevel !== l.level ? `Level changed from ${l.previousLevel} to ${l.level}` : `Level ${l.level} confirmed`,
    actorText(l.actor, { who, names }),
    l.reason || 'None given'
  ])
}

const CLOSED = { done: 'Done', 'circumstances-changed': 'Circumstances changed', 'not-done-by-agency': 'Not done by the agency' }
const enc = encodeURIComponent

function staffName (names, id) {
  return (names && id && names[id]) || (id ? 'a member of staff' : undefined)
}

/** The next review: the date, the days to it (overdue flagged) and why. */
export function nextReviewText (n) {
  if (!n) return html`<span class="app-not-known">None due</span> <span class="govuk-body-s app-secondary">(level 1, no level confirmed, or no meeting held or booked yet)</span>`
  return html`${dateText(n.date)} ${n.overdue ? tag(`Overdue by ${-n.days} ${-n.days === 1 ? 'day' : 'days'}`, 'red') : html`<span class="govuk-body-s">(${daysLeftText(n.days)})</span>`}<br><span class="govuk-body-s app-secondary">${n.basis === 'booked' ? 'A meeting is booked for that day.' : 'No meeting is booked: the review window after the last meeting ends that day.'}</span>`
}

function unavailable (what) {
  return html`<p class="govuk-body app-secondary">The ${what} could not be loaded. Reload the page to try again.</p>`
}

/** Associated children, read only (they are changed on the meetings page). */
export function childrenSection (kids, caseId) {
  const list = kids && kids.children
  return html`<section id="children" aria-labelledby="children-heading">
    <h2 class="govuk-heading-m" id="children-heading">Associated children</h2>
    ${!kids
      ? unavailable('children')
      : list.length
        ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
            id: 'case-children',
            caption: 'Children linked to the person',
            captionSize: 's',
            head: ['Child', 'Date of birth', 'Relationship', 'Open to children’s social care', 'Social worker'],
            rows: list.map((k) => [
              [k.givenNames, k.familyName].filter(Boolean).join(' ') || 'Child',
              k.dateOfBirth ? dateText(k.dateOfBirth) : undefined,
              k.relationship,
              k.openToChildrensSocialCare ? 'Yes' : 'No',
              staffName(kids.names, k.socialWorkerId)
            ])
          })}</div>`
        : html`<p class="govuk-body">No children are recorded.</p>`}
    <p class="govuk-body"><a class="govuk-link" href="/cases/${enc(caseId)}/meetings#children">Add or change children<span class="govuk-visually-hidden"> of this case</span></a></p>
  </section>`
}

/** The MAPPA marker request(s) on the adult's council file and their status. */
export function markerSection (work, who, caseId) {
  const markers = ((work && work.tasks) || []).filter((t) => t.kind === 'mappa-marker')
  return html`<section id="marker" aria-labelledby="marker-heading">
    <h2 class="govuk-heading-m" id="marker-heading">MAPPA marker</h2>
    ${!work
      ? unavailable('marker request')
      : markers.length
        ? html`<ul class="govuk-list" id="marker-status">${markers.map((t) => html`<li>Requested on ${dateText(String(t.createdAt || '').slice(0, 10))}${t.caseNumber ? html` for council case number ${t.caseNumber}` : ''}: ${t.status === 'open' ? html`${tag('Requested', 'blue')} waiting for business support to put it on the file` : html`${tag('Closed', 'grey')} ${CLOSED[t.closeReason] || ''}${t.closedAt ? html` on ${dateText(String(t.closedAt).slice(0, 10))}` : ''}`}</li>`)}</ul>`
        : html`<p class="govuk-body" id="marker-status">No MAPPA marker has been requested on the adult’s council file.</p>`}
    ${hasRole(who, ROLE_BSO) ? html`<p class="govuk-body"><a class="govuk-link" href="/cases/${enc(caseId)}/meetings#marker">Request a MAPPA marker</a></p>` : ''}
  </section>`
}

/** Meetings as a timeline, newest first. */
export function meetingsSection (page, caseId) {
  const ms = ((page && page.meetings) || []).slice().sort((a, b) => String(b.start).localeCompare(String(a.start)))
  return html`<section id="meetings" aria-labelledby="meetings-heading">
    <h2 class="govuk-heading-m" id="meetings-heading">Meetings</h2>
    ${page ? timeline(ms, page.names || {}) : unavailable('meetings')}
    <p class="govuk-body"><a class="govuk-link" href="/cases/${enc(caseId)}/meetings" id="meetings-link">Record or change meetings, children and tasks</a></p>
  </section>`
}

/** Actions agreed at meetings: open ones first, overdue flagged. */
export function actionsSection (work, today) {
  const acts = ((work && work.actions) || []).slice().sort((a, b) => (a.status === b.status ? String(a.due).localeCompare(String(b.due)) : (a.status === 'open' ? -1 : 1)))
  return html`<section id="actions" aria-labelledby="actions-heading">
    <h2 class="govuk-heading-m" id="actions-heading">Actions</h2>
    ${!work
      ? unavailable('actions')
      : acts.length
        ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
            id: 'case-actions',
            caption: 'Actions agreed at meetings, open first',
            captionSize: 's',
            head: ['Action', 'Owner', 'Due', 'Status'],
            rows: acts.map((a) => [
              a.text,
              a.ownerId ? staffName(work.names, a.ownerId) : a.ownerAgency,
              a.due ? dateText(a.due) : undefined,
              a.status === 'open'
                ? (a.due && a.due < today ? tag('Overdue', 'red') : tag('Open', 'blue'))
                : html`${tag('Closed', 'grey')} ${CLOSED[a.closeReason] || ''}`
            ])
          })}</div>`
        : html`<p class="govuk-body">No actions have been agreed.</p>`}
  </section>`
}

export function casePage (c, who, { latest = null, state = {}, meetings = null, children = null, work = null, today = '' } = {}) {
  const p = c.person || {}
  const cl = classificationOf(c)
  const level = levelNumber(c.level)
  const suggested = levelNumber(c.suggestedLevel)
  const category = cl && cl.outcome === 'eligible' && categoryNumber(cl.primaryCategory) ? categoryText(cl.primaryCategory) : (cl && cl.outcome === 'not-eligible' ? 'Not eligible for MAPPA' : (cl && cl.outcome === 'cannot-decide' ? 'Cannot decide: information missing' : undefined))
  const referrals = (c.referrals || []).slice().sort((a, b) => String(b.receivedAt).localeCompare(String(a.receivedAt)))
  return html`
    <span class="govuk-caption-l">Case record</span>
    <h1 class="govuk-heading-l" id="person-name">${nameOf(p) || 'Case record'}</h1>
    ${c.status === 'merged' ? html`<div class="govuk-inset-text">This case was merged into <a class="govuk-link" href="/cases/${encodeURIComponent(c.mergedInto || '')}">another case</a>. Its referrals are on that case now.</div>` : ''}
    ${errorSummary(Object.entries(state.errors || {}).map(([id, text]) => ({ href: id.startsWith('_') ? null : `#${id}`, text })))}
    ${state.flash ? notificationBanner({ success: true, heading: state.flash }) : ''}
    <dl class="govuk-summary-list" id="case-summary">
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Traffic light</dt><dd class="govuk-summary-list__value">${c.rag ? ragTag(c.rag) : html`<span class="app-not-known">Not set yet</span>`} <a class="govuk-link" href="#traffic-light">${c.rag ? 'Change' : 'Set'}<span class="govuk-visually-hidden"> the traffic light</span></a></dd></div>
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Category</dt><dd class="govuk-summary-list__value">${category || html`<span class="app-not-known">Not classified yet</span>`}</dd></div>
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Risk of serious harm</dt><dd class="govuk-summary-list__value">${c.risk ? riskTag(c.risk) : html`<span class="app-not-known">Not given</span>`} <a class="govuk-link" href="#risk">Details<span class="govuk-visually-hidden"> of the risk of serious harm</span></a></dd></div>
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Next review</dt><dd class="govuk-summary-list__value" id="next-review">${nextReviewText(c.nextReview)}</dd></div>
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
    <nav aria-label="On this page" class="govuk-!-margin-bottom-6"><h2 class="govuk-heading-s">On this page</h2>
      <ul class="govuk-list">
        <li><a class="govuk-link" href="#traffic-light">Traffic light</a></li>
        <li><a class="govuk-link" href="#risk">Risk of serious harm</a></li>
        <li><a class="govuk-link" href="#level-history">Category and level history</a></li>
        <li><a class="govuk-link" href="#children">Associated children</a></li>
        <li><a class="govuk-link" href="#marker">MAPPA marker</a></li>
        <li><a class="govuk-link" href="#meetings">Meetings</a></li>
        <li><a class="govuk-link" href="#actions">Actions</a></li>
        <li><a class="govuk-link" href="#referrals">Referrals</a></li>
      </ul>
    </nav>
    ${ragSection(c, who, state)}
    ${riskSection(latest)}
    ${retentionSection(c, who, state)}
    <h2 class="govuk-heading-m" id="level-history">Category and level history</h2>
    ${referrals.length
      ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
          id: 'category-history-table',
          caption: 'Category as each referral was classified, newest first',
          captionSize: 's',
          head: ['Referral received', 'Category', 'Suggested level'],
          rows: referrals.map((r) => [
            dateTimeText(r.receivedAt),
            r.outcome === 'eligible' && categoryNumber(r.primaryCategory) ? categoryText(r.primaryCategory) : (r.outcome === 'not-eligible' ? 'Not eligible' : (r.outcome === 'cannot-decide' ? 'Cannot decide: information missing' : 'Not classified yet')),
            levelNumber(r.suggestedLevel) ? `Level ${levelNumber(r.suggestedLevel)}` : 'None'
          ])
        })}</div>`
      : ''}
    ${levelRows(c, who).length
      ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'level-history-table', caption: 'Level of management, newest first', captionSize: 's', head: ['When', 'What happened', 'Who', 'Reason'], rows: levelRows(c, who) })}</div>`
      : html`<p class="govuk-body">No level has been confirmed yet.</p>`}
    ${childrenSection(children, c.id || '')}
    ${markerSection(work, who, c.id || '')}
    ${meetingsSection(meetings, c.id || '')}
    ${actionsSection(work, today)}
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

/** A part of the record that may fail on its own (null: show it could not load). */
async function part (path) {
  try {
    return await api(path)
  } catch (err) {
    if (err instanceof SignedOut) throw err
    console.warn(err)
    return null
  }
}

async function load (id) {
  const base = `/v1/staff/cases/${encodeURIComponent(id)}`
  const [c0, names, meetings, children, work] = await Promise.all([api(base), staffNames(), part(`${base}/meetings?limit=100`), part(`${base}/children`), part(`${base}/work`)])
  const c = c0 || {}
  c.names = names
  const refs = (c.referrals || []).slice().sort((a, b) => String(b.receivedAt).localeCompare(String(a.receivedAt)))
  let latest = null
  if (refs[0]) {
    try {
      latest = await api(`/v1/staff/referrals/${encodeURIComponent(refs[0].id)}`)
    } catch (err) {
      if (err instanceof SignedOut) throw err
    }
  }
  return { c, latest, meetings, children, work }
}

function draw (ctx, id, data, state) {
  const today = londonDate(new Date())
  if (!ctx.show('Case record', casePage(data.c, ctx.who, { latest: data.latest, state, meetings: data.meetings, children: data.children, work: data.work, today }), { error: Object.keys(state.errors || {}).length > 0 })) return
  wireRetention(ctx, id, data)
  document.getElementById('rag-form')?.addEventListener('submit', async (e) => {
    e.preventDefault()
    const values = formValues(e.target)
    const errors = {}
    if (!values.rag) errors.rag = 'Select the traffic light'
    if (!String(values.reason || '').trim()) errors['rag-reason'] = 'Enter the reason for the traffic light'
    if (Object.keys(errors).length) return draw(ctx, id, data, { values, errors })
    const body = { rag: values.rag, reason: values.reason }
    if (Number.isInteger(data.c.version)) body.version = data.c.version
    try {
      await api(`/v1/staff/cases/${encodeURIComponent(id)}/rag`, { method: 'POST', body })
      draw(ctx, id, await load(id), { flash: `Traffic light set to ${values.rag.toUpperCase()}` })
    } catch (err) {
      if (err instanceof SignedOut) return
      let message = 'The traffic light was not saved because of a problem with the service. Try again.'
      if (err instanceof ApiError && err.status === 403) message = 'The traffic light was not saved: only the case’s social workers and managers can set it.'
      if (err instanceof ApiError && err.status === 409) message = 'The traffic light was not saved: someone else changed this case meanwhile. The page now shows the change.'
      if (err instanceof ApiError && err.status === 422) message = `The traffic light was not saved: ${err.fieldErrors.map((f) => f.detail).join('; ') || 'check the form'}.`
      const fresh = err instanceof ApiError && err.status === 409 ? await load(id) : data
      draw(ctx, id, fresh, { values: err instanceof ApiError && err.status === 409 ? {} : values, errors: { _error: message } })
    }
  })
}

function wireRetention (ctx, id, data) {
  const send = async (path, method, body, errorId, values, flash) => {
    try {
      await api(`/v1/staff/cases/${encodeURIComponent(id)}/${path}`, { method, body })
      draw(ctx, id, await load(id), { flash })
    } catch (err) {
      if (err instanceof SignedOut) return
      let message = 'It was not saved because of a problem with the service. Try again.'
      if (err instanceof ApiError && err.status === 403) message = 'It was not saved: your role cannot do this for this case.'
      if (err instanceof ApiError && err.status === 409) message = `It was not saved: ${err.message}`
      if (err instanceof ApiError && err.status === 422) message = `It was not saved: ${err.fieldErrors.map((f) => f.detail).join('; ') || 'check the form'}.`
      draw(ctx, id, err instanceof ApiError && err.status === 409 ? await load(id) : data, { values, errors: { [errorId]: message } })
    }
  }
  document.getElementById('close-form')?.addEventListener('submit', async (e) => {
    e.preventDefault()
    const reason = String(formValues(e.target).reason || '')
    if (!reason.trim()) return draw(ctx, id, data, { values: { closeReason: reason }, errors: { 'close-reason': 'Enter why the case is closing' } })
    await send('close', 'POST', { reason }, 'close-reason', { closeReason: reason }, 'Case closed')
  })
  document.getElementById('hold-form')?.addEventListener('submit', async (e) => {
    e.preventDefault()
    const held = e.target.dataset.held === 'true'
    const reason = String(formValues(e.target).reason || '')
    if (!reason.trim()) return draw(ctx, id, data, { values: { holdReason: reason }, errors: { 'hold-reason': held ? 'Enter why the records must be kept' : 'Enter why the hold can be lifted' } })
    await send('hold', 'PUT', { held, reason }, 'hold-reason', { holdReason: reason }, held ? 'Hold placed: the records will not expire' : 'Hold lifted')
  })
}

export async function renderCase (ctx, id) {
  draw(ctx, id, await load(id), {})
}

export const _test = { casePage, ragSection, retentionSection, childrenSection, markerSection, meetingsSection, actionsSection, nextReviewText }
