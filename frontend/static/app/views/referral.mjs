// A referral's detail page: the person, identifiers, meeting invitation,
// the classification with every reason and its source, the suggested level,
// possible matches, and the forms for a business support officer's
// decisions. Page title: "Referral" (never a name).

import { html, summaryList, summaryCard, table, errorSummary, notificationBanner, warningText, radios, textarea, button, NOT_KNOWN } from '../html.mjs'
import { classificationSection, levelSection, endText } from './classification.mjs'
import { api, ApiError, SignedOut } from '../api.mjs'
import {
  statusTag, levelText, levelNumber, riskTag, ragTag, agencyText,
  dateText, dateTimeText, shortNoticeTag, yesNo, listText
} from '../format.mjs'
import {
  pick, referralOf, personOf, caseRef, caseIdOf, classificationOf, suggestedLevelOf, meetingOf
} from '../model.mjs'

// A success message shown once after a form is sent.
let flash = null

const DECISIONS = [
  { value: 'accept', text: 'Accept the referral', past: 'Referral accepted' },
  { value: 'more-information', text: 'Ask the referring agency for more information', past: 'More information requested' },
  { value: 'decline', text: 'Decline the referral', past: 'Referral declined' }
]

const FIELD_MESSAGES = {
  decision: { '/decision': { required: 'Select what you want to do with this referral' }, '/reason': { required: 'Enter the reason for asking for more information or declining' } },
  level: { '/action': { required: 'Select the level of management' }, '/level': { required: 'Select the level of management' }, '/reason': { required: 'Enter the reason for choosing a level other than the suggested level' } },
  match: { '/decision': { required: 'Select whether this is the same person' }, '/caseId': { required: 'Select the matching case' } }
}

const FIELD_LABELS = { '/decision': 'Decision', '/reason': 'Reason', '/level': 'Level', '/action': 'Level decision', '/caseId': 'Matching case', '/version': 'Version' }

/** Maps problem+json errors to GOV.UK error messages, keyed by field id. */
export function fieldErrors (form, errors, ids) {
  const out = {}
  for (const e of errors) {
    const pointer = e.pointer || ''
    const detail = String(e.detail || 'is not valid')
    const known = (FIELD_MESSAGES[form] || {})[pointer] || {}
    const text = /required/.test(detail) && known.required
      ? known.required
      : `${FIELD_LABELS[pointer] || 'This field'} ${detail}`.replace(/\s+/g, ' ')
    const id = ids[pointer] || ids[''] || null
    if (id && !out[id]) out[id] = text
    else if (!id) out[`_${pointer}`] = text
  }
  return out
}

function summaryErrors (errs) {
  return Object.entries(errs).map(([id, text]) => ({ href: id.startsWith('_') ? null : `#${id}`, text }))
}

function nameOf (p) {
  return [p.givenNames, p.familyName].filter(Boolean).join(' ') || undefined
}

function addressText (a) {
  if (!a) return undefined
  if (a.noFixedAbode) return listText(['No fixed abode', a.areaOfClosestLinks ? `Area of closest links: ${a.areaOfClosestLinks}` : null])
  const lines = [...(a.lines || []), a.town, a.postcode].filter(Boolean)
  return lines.length ? listText(lines) : undefined
}

function contactText (c) {
  if (!c) return undefined
  return listText([c.name, c.role, c.email, c.phone].filter(Boolean))
}

/** Whole days from a to b (calendar dates "YYYY-MM-DD"). */
function daysBetween (a, b) {
  const pa = Date.UTC(...a.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0)))
  const pb = Date.UTC(...b.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0)))
  return Math.round((pb - pa) / 86400000)
}

function londonDate (t) {
  if (!t) return null
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return null
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)
}

/**
 * Days of notice and whether it is short (under 14 days). The classifier's
 * answer wins (result.shortNotice, result.meeting.inDays: days from the day
 * it classified); otherwise it is worked out from the day of receipt.
 */
export function notice (view) {
  const m = meetingOf(view)
  if (!m || !m.date) return null
  const c = classificationOf(view)
  const received = londonDate(pick(view, 'receivedAt', 'received', 'createdAt'))
  const days = pick(view, 'noticeDays') ?? pick(c, 'meeting.inDays') ?? (received ? daysBetween(received, m.date) : null)
  const flagged = pick(view, 'shortNotice') ?? pick(c, 'shortNotice', 'meeting.shortNotice')
  const short = typeof flagged === 'boolean' ? flagged : (typeof days === 'number' ? days < 14 : false)
  return { days, short }
}

function personSection (view) {
  const p = personOf(view)
  const ref = referralOf(view)
  const aliases = (p.aliases || []).map(nameOf).filter(Boolean)
  return summaryCard('Person referred', summaryList([
    { key: 'Name', value: nameOf(p) },
    { key: 'Other names', value: aliases.length ? listText(aliases) : 'None given' },
    { key: 'Date of birth', value: p.dateOfBirth ? dateText(p.dateOfBirth) : undefined },
    { key: 'Gender', value: p.gender ? String(p.gender).replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()) : undefined },
    { key: 'Ethnicity', value: p.ethnicity },
    { key: 'Address', value: addressText(pick(ref, 'address') || pick(view, 'address')) }
  ]))
}

function identifiersSection (view) {
  const ids = pick(personOf(view), 'identifiers') || {}
  return summaryCard('Identifiers', summaryList([
    { key: 'Case reference', value: caseRef(view) },
    { key: 'nDelius CRN', value: ids.crn },
    { key: 'PNC number', value: ids.pnc },
    { key: 'Council case number', value: ids.councilNumber }
  ]))
}

function referralSection (view) {
  const ref = referralOf(view)
  const r = pick(ref, 'currentRisk') || {}
  return summaryCard('Referral', summaryList([
    { key: 'Received', value: dateTimeText(pick(view, 'receivedAt', 'received', 'createdAt')) },
    { key: 'Referring agency', value: agencyText(pick(ref, 'referringAgency') || pick(view, 'referringAgency')) },
    { key: 'Lead agency', value: agencyText(pick(ref, 'leadAgency')) },
    { key: 'Referrer', value: contactText(pick(ref, 'referrer')) },
    { key: 'Agency reference', value: pick(ref, 'agencyReference') || pick(view, 'agencyReference') },
    { key: 'Level requested', value: pick(ref, 'levelRequested') ? levelText(pick(ref, 'levelRequested')) : undefined },
    { key: 'Reason for referral', value: pick(ref, 'reasonForReferral') ? html`<span class="app-pre-line">${pick(ref, 'reasonForReferral')}</span>` : undefined },
    { key: 'Risk of serious harm', value: (r.children || r.public || r.knownAdult || r.staff) ? html`<ul class="govuk-list">
        <li>Children: ${riskTag(r.children) || NOT_KNOWN}</li>
        <li>Public: ${riskTag(r.public) || NOT_KNOWN}</li>
        <li>Known adult: ${riskTag(r.knownAdult) || NOT_KNOWN}</li>
        <li>Staff: ${riskTag(r.staff) || NOT_KNOWN}</li>
      </ul>` : undefined },
    { key: 'Who is at risk', value: r.toWhom },
    { key: 'Traffic light', value: ragTag(pick(view, 'rag', 'trafficLight')) || undefined }
  ]))
}

function meetingSection (view) {
  const m = meetingOf(view)
  if (!m) {
    return summaryCard('Meeting invitation', html`<p class="govuk-body">No meeting invitation came with this referral.</p>`)
  }
  const n = notice(view)
  return summaryCard('Meeting invitation', html`
    ${n && n.short ? warningText(html`Short notice: the meeting is ${typeof n.days === 'number' ? html`${n.days} ${n.days === 1 ? 'day' : 'days'}` : 'less than 14 days'} after the invitation was received. Telephone the single point of contact.`) : ''}
    ${summaryList([
      { key: 'Date', value: m.date ? html`${dateText(m.date)}${n && n.short ? html` ${shortNoticeTag()}` : ''}` : undefined },
      { key: 'Time', value: m.time },
      { key: 'Place', value: m.place },
      { key: 'Online link', value: m.link },
      { key: 'Chair', value: m.chair },
      { key: 'Meeting', value: m.meetingType === 'initial' ? 'Initial meeting' : m.meetingType === 'review' ? 'Review meeting' : m.meetingType },
      { key: 'Notice given', value: n && typeof n.days === 'number' ? `${n.days} ${n.days === 1 ? 'day' : 'days'}` : undefined }
    ])}`)
}

function childrenSection (view) {
  const kids = pick(referralOf(view), 'associatedChildren') || []
  if (!kids.length) return ''
  return html`<div class="app-table-wrap">${table({
    id: 'children',
    caption: 'Associated children',
    captionSize: 'm',
    head: ['Name', 'Date of birth', 'School', 'Open to children’s social care', 'Allocated worker'],
    rows: kids.map((k) => [nameOf(k), k.dateOfBirth ? dateText(k.dateOfBirth) : null, k.school, yesNo(k.openToChildrensSocialCare), k.allocatedWorker ? k.allocatedWorker.name : null])
  })}</div>`
}

function matchSection (view, state) {
  const matches = pick(view, 'possibleMatches') || []
  const matchState = pick(view, 'matchState', 'match.state')
  if (!Array.isArray(matches) || matches.length === 0 || (matchState && matchState !== 'pending')) return ''
  const errs = state.form === 'match' ? state.errors : {}
  const items = matches.map((m) => {
    if (typeof m !== 'object') return { value: `same-person:${m}`, text: `The same person as existing case ${m}` }
    const id = pick(m, 'caseId', 'id')
    const who = [pick(m, 'caseRef', 'reference', 'caseId'), pick(m, 'name', 'personName'), pick(m, 'dateOfBirth') ? `born ${dateText(pick(m, 'dateOfBirth'))}` : null].filter(Boolean).join(', ')
    return { value: `same-person:${id}`, text: `The same person as existing case ${who || id}` }
  })
  items.push({ value: 'different-person', text: 'A different person: keep this referral on its own case' })
  return html`<div class="govuk-notification-banner" role="region" aria-labelledby="match-title" data-module="govuk-notification-banner" id="possible-match">
      <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="match-title">Important</h2></div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">This person may already be known to us</p>
        <p class="govuk-body">The name and date of birth match ${matches.length === 1 ? 'an existing case' : `${matches.length} existing cases`}, but no identifier does. Check and confirm: cases are never merged without a person deciding.</p>
      </div>
    </div>
    <form id="match-form" novalidate>
      ${radios({ id: 'match-decision', name: 'match', legend: 'Is this the same person?', items, error: errs['match-decision'] })}
      ${button('Confirm', { secondary: true })}
    </form>`
}

function decisionSection (view, state) {
  const status = view.status
  if (status !== 'classified' && status !== 'more-information-needed') {
    if (status === 'received') {
      return html`<h2 class="govuk-heading-m">Decision</h2><p class="govuk-body">You can decide once the referral has been classified.</p>`
    }
    return ''
  }
  const errs = state.form === 'decision' ? state.errors : {}
  const v = state.form === 'decision' ? state.values : {}
  return html`<form id="decision-form" novalidate>
    ${radios({
      id: 'decision', name: 'decision', legend: 'What do you want to do with this referral?', legendSize: 'm',
      items: DECISIONS.map((d) => ({ value: d.value, text: d.text })), error: errs.decision, value: v.decision
    })}
    ${textarea({ id: 'reason', name: 'reason', label: 'Reason', hint: 'Required to ask for more information or to decline. The referring agency will see it.', error: errs.reason, value: v.reason || '' })}
    ${button('Save decision')}
  </form>`
}

function levelForm (view, state) {
  const caseId = caseIdOf(view)
  const status = view.status
  if (!caseId || status === 'received' || status === 'declined') return ''
  const suggested = levelNumber(suggestedLevelOf(view))
  const errs = state.form === 'level' ? state.errors : {}
  const v = state.form === 'level' ? state.values : {}
  const chosen = v.level ?? suggested ?? ''
  return html`<form id="level-form" novalidate>
    ${radios({
      id: 'level', name: 'level', legend: 'Confirm the level of management', legendSize: 'm',
      hint: suggested ? `The suggested level is level ${suggested}. Choose another level only with a reason.` : 'There is no suggested level yet. Choose a level and give a reason.',
      items: [1, 2, 3].map((n) => ({ value: n, text: `Level ${n}${n === suggested ? ' (suggested)' : ''}` })),
      error: errs.level, value: chosen
    })}
    ${textarea({ id: 'level-reason', name: 'levelReason', label: 'Reason for a different level', hint: 'Required if you choose a level other than the suggested level.', error: errs['level-reason'], value: v.levelReason || '', rows: 3 })}
    ${button('Save level', { secondary: true })}
  </form>`
}

function historySection (view) {
  const decisions = (pick(view, 'decisions', 'history') || []).map((d) => ({
    at: d.at, who: pick(d, 'actorName', 'actor'), what: DECISIONS.find((x) => x.value === d.decision)?.past || d.decision, why: d.reason, to: d.to
  }))
  const levels = (pick(view, 'case.levelHistory', 'levelChanges', 'levelHistory') || []).map((l) => ({
    at: l.at, who: pick(l, 'actorName', 'actor'), what: l.action === 'confirm' ? `Level ${l.level} confirmed` : `Level set to ${l.level}${l.previousLevel ? ` (was ${l.previousLevel})` : ''}`, why: l.reason
  }))
  const all = [...decisions, ...levels].sort((a, b) => String(b.at).localeCompare(String(a.at)))
  return html`<h2 class="govuk-heading-m" id="history">Decision history</h2>
    ${all.length === 0
      ? html`<p class="govuk-body">No decisions yet.</p>`
      : table({ id: 'decision-history', caption: 'Decisions, newest first', captionSize: 's', head: ['When', 'Decision', 'Who', 'Reason'], rows: all.map((d) => [dateTimeText(d.at), d.what, d.who, d.why || 'None given']) })}`
}

function page (view, state) {
  const ref = caseRef(view)
  const n = notice(view)
  const errs = state.errors || {}
  return html`
    ${errorSummary(summaryErrors(errs))}
    ${state.flash ? notificationBanner({ success: true, heading: state.flash }) : ''}
    <span class="govuk-caption-l">${ref ? `Case ${ref}` : 'Referral'}</span>
    <h1 class="govuk-heading-l">Referral</h1>
    <p class="govuk-body" id="referral-status">Status: ${statusTag(view.status)}${n && n.short ? html` ${shortNoticeTag()}` : ''}</p>
    ${matchSection(view, state)}
    <div class="govuk-grid-row"><div class="govuk-grid-column-full">
      ${classificationSection(view)}
      ${levelSection(view)}
      ${personSection(view)}
      ${identifiersSection(view)}
      ${meetingSection(view)}
      ${referralSection(view)}
      ${childrenSection(view)}
    </div></div>
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      ${(view.status === 'classified' || view.status === 'more-information-needed' || view.status === 'received') ? html`<h2 class="govuk-heading-m" id="decide">Decide</h2>` : ''}
      ${decisionSection(view, state)}
      ${levelForm(view, state)}
    </div></div>
    ${historySection(view)}
    <p class="govuk-body"><a class="govuk-link" href="/referrals">Back to referrals</a></p>`
}

function formValues (form) {
  const out = {}
  for (const [k, v] of new FormData(form)) out[k] = v
  return out
}

async function submit (ctx, id, view, form, values, request, idsByPointer, success) {
  try {
    await request()
    flash = success
    await renderReferral(ctx, id)
  } catch (err) {
    if (err instanceof SignedOut) return
    if (err instanceof ApiError && (err.status === 422 || err.status === 400) && err.fieldErrors.length) {
      draw(ctx, id, view, { form, values, errors: fieldErrors(form, err.fieldErrors, idsByPointer) })
      return
    }
    if (err instanceof ApiError && (err.status === 409 || err.status === 412)) {
      draw(ctx, id, view, { form, values, errors: { _conflict: 'Someone else changed this referral while you were looking at it. Reload the page to see the change, then decide again.' } })
      return
    }
    draw(ctx, id, view, { form, values, errors: { _error: 'Your change was not saved because of a problem with the service. Try again.' } })
  }
}

function draw (ctx, id, view, state) {
  const hasErrors = state.errors && Object.keys(state.errors).length > 0
  if (!ctx.show('Referral', page(view, state), { error: hasErrors })) return
  const root = document.getElementById('app')
  const version = pick(view, 'version')

  root.querySelector('#decision-form')?.addEventListener('submit', (e) => {
    e.preventDefault()
    const values = formValues(e.target)
    const body = { decision: values.decision || '' }
    if (values.reason && values.reason.trim()) body.reason = values.reason
    if (Number.isInteger(version) && version > 0) body.version = version
    submit(ctx, id, view, 'decision', values,
      () => api(`/v1/staff/referrals/${encodeURIComponent(id)}/decisions`, { method: 'POST', body }),
      { '/decision': 'decision', '/reason': 'reason', '': 'decision' },
      DECISIONS.find((d) => d.value === body.decision)?.past || 'Decision saved')
  })

  root.querySelector('#level-form')?.addEventListener('submit', (e) => {
    e.preventDefault()
    const values = formValues(e.target)
    const suggested = levelNumber(suggestedLevelOf(view))
    const level = values.level ? Number(values.level) : 0
    const body = level && level === suggested ? { action: 'confirm' } : { action: 'set' }
    if (level) body.level = level
    if (values.levelReason && values.levelReason.trim()) body.reason = values.levelReason
    const caseVersion = pick(view, 'case.version')
    if (Number.isInteger(caseVersion) && caseVersion > 0) body.version = caseVersion
    submit(ctx, id, view, 'level', values,
      () => api(`/v1/staff/cases/${encodeURIComponent(caseIdOf(view))}/level`, { method: 'POST', body }),
      { '/action': 'level', '/level': 'level', '/reason': 'level-reason', '': 'level' },
      level && level === suggested ? `Level ${level} confirmed` : 'Level of management saved')
  })

  root.querySelector('#match-form')?.addEventListener('submit', (e) => {
    e.preventDefault()
    const values = formValues(e.target)
    const [decision, caseId] = String(values.match || '').split(':')
    const body = { decision: decision || '' }
    if (decision === 'same-person' && caseId) body.caseId = caseId
    submit(ctx, id, view, 'match', values,
      () => api(`/v1/staff/referrals/${encodeURIComponent(id)}/match`, { method: 'POST', body }),
      { '/decision': 'match-decision', '/caseId': 'match-decision', '': 'match-decision' },
      decision === 'same-person' ? 'Referral linked to the existing case' : 'Recorded as a different person')
  })
}

export async function renderReferral (ctx, id) {
  const view = (await api(`/v1/staff/referrals/${encodeURIComponent(id)}`)) || {}
  // The case holds the confirmed level and its history. Some roles may not
  // see the case: the page still shows the referral.
  const caseId = caseIdOf(view)
  if (caseId) {
    try {
      view.case = await api(`/v1/staff/cases/${encodeURIComponent(caseId)}`)
    } catch (err) {
      if (err instanceof SignedOut) throw err
      view.case = null
    }
  }
  const message = flash
  flash = null
  draw(ctx, id, view, { flash: message, errors: {} })
}

// Exported for tests of the page markup without a browser session.
export const _test = { page, notice, fieldErrors, endText }

/** Shows a success banner on the next referral page drawn (after entering a referral). */
export function flashNext (message) {
  flash = message
}
