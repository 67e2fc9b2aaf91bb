// A referral as a work page: the person's name and a summary at the top
// (meeting and days left, category, levels, what is needed next with a jump
// to it), a possible match side by side with the existing case, the
// classification with every reason and its source, the forms for the roles
// that may act (and words for those that may not), the facts as received,
// and the history in words. Page title: "Referral" (never a name); the name
// is in the page, not the title or the URL.

import { html, table, errorSummary, notificationBanner, radios, textarea, dateInput, button, tag, NOT_KNOWN } from '../html.mjs'
import { classificationSection, levelSection, endText } from './classification.mjs'
import { factsReceived, nameOf, addressText, daysBetween, londonDate, daysLeftText } from './facts-view.mjs'
import { api, ApiError, SignedOut, hasRole, staffNames, ROLE_BSO } from '../api.mjs'
import { statusTag, levelNumber, agencyText, categoryText, categoryNumber, dateText, dateTimeText, shortNoticeTag, actorText } from '../format.mjs'
import { formValues, readDate, dateValue } from '../forms.mjs'
import {
  pick, referralOf, personOf, caseIdOf, classificationOf, suggestedLevelOf, meetingOf
} from '../model.mjs'

const LEVEL_ROLES = ['business-support-officer', 'service-manager', 'head-of-service']

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

/**
 * Days of notice and whether it is short: what the server says
 * (classification.notice, by the one notice rule, counted from the day of
 * receipt). Before classification the page shows no verdict of its own.
 */
export function notice (view) {
  const m = meetingOf(view)
  if (!m || !m.date) return null
  const n = pick(classificationOf(view), 'notice')
  if (!n || typeof n !== 'object') return { days: null, short: false }
  return { days: typeof n.days === 'number' ? n.days : null, short: n.short === true }
}

/** What the roles of the signed-in person let them do on this page. */
export function abilities (who) {
  return {
    decide: hasRole(who, ROLE_BSO),
    match: hasRole(who, ROLE_BSO),
    level: LEVEL_ROLES.some((r) => hasRole(who, r)),
    // A business support officer records the level a MAPPA meeting decided,
    // with the meeting's date; service managers and heads of service decide
    // (docs/security.md).
    recordOnly: hasRole(who, ROLE_BSO) && !hasRole(who, 'service-manager') && !hasRole(who, 'head-of-service')
  }
}

function categoryWords (view) {
  const c = classificationOf(view)
  if (!c || !c.outcome) return view.status === 'received' ? 'Not classified yet' : undefined
  if (c.outcome === 'eligible' && categoryNumber(c.primaryCategory)) return categoryText(c.primaryCategory)
  if (c.outcome === 'not-eligible') return 'Not eligible for MAPPA'
  if (c.outcome === 'cannot-decide') return 'Cannot decide: information missing'
  return c.outcome
}

/** The next thing to do, for the person looking (null: nothing to do). */
export function nextStep (view, can) {
  const confirmed = levelNumber(pick(view, 'case.level'))
  const matchPending = pick(view, 'matchState') === 'pending' && (pick(view, 'possibleMatches') || []).length > 0
  switch (view.status) {
    case 'received':
      return { text: 'Wait for the classification. This page updates itself when it is ready, usually within seconds.' }
    case 'classified':
    case 'more-information-needed': {
      const waiting = view.status === 'more-information-needed' ? 'More information was asked for. ' : ''
      if (matchPending) {
        return can.match
          ? { text: `${waiting}Check the possible match, then decide: accept the referral, ask for more information or decline it.`, href: '#possible-match', link: 'Go to the possible match' }
          : { text: `${waiting}A business support officer checks the possible match and decides.` }
      }
      return can.decide
        ? { text: `${waiting}Decide: accept the referral, ask the referring agency for more information or decline it.`, href: '#decide', link: 'Go to the decision' }
        : { text: `${waiting}A business support officer decides whether to accept this referral.` }
    }
    case 'accepted':
      if (!confirmed) {
        return can.level
          ? { text: 'Confirm the level of management.', href: '#decide', link: 'Go to the level of management' }
          : { text: 'A business support officer, service manager or head of service confirms the level of management.' }
      }
      return { text: `Nothing on this referral: it is accepted and level ${confirmed} is confirmed.` }
    case 'declined':
      return { text: 'Nothing: the referral was declined.' }
    default:
      return null
  }
}

function summarySection (view, can, today) {
  const m = meetingOf(view)
  const n = notice(view)
  const left = m && m.date ? daysBetween(today, m.date) : null
  const suggested = levelNumber(suggestedLevelOf(view))
  const confirmed = levelNumber(pick(view, 'case.level'))
  const step = nextStep(view, can)
  return html`<dl class="govuk-summary-list" id="referral-summary">
    ${[
      ['Meeting', m && m.date
        ? html`${dateText(m.date)}${m.time ? html` at ${m.time}` : ''} <span class="govuk-!-font-weight-bold" id="days-left">(${daysLeftText(left)})</span>${n && n.short ? html` ${shortNoticeTag()}` : ''}${left !== null && left < 0 ? html` ${tag('Past', 'grey')}` : ''}`
        : 'No meeting invitation'],
      ['Category', categoryWords(view)],
      ['Suggested level', suggested ? `Level ${suggested}` : (view.status === 'received' ? 'Not classified yet' : 'No level suggested')],
      ['Confirmed level', confirmed ? html`Level ${confirmed} ${tag('Confirmed', 'green')}` : 'Not confirmed yet'],
      ['What is needed next', step ? html`${step.text}${step.href ? html` <a class="govuk-link" href="${step.href}" id="next-step-link">${step.link}</a>` : ''}` : undefined]
    ].map(([k, v]) => html`<div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">${k}</dt>
      <dd class="govuk-summary-list__value">${v === undefined ? html`<span class="app-not-known">${NOT_KNOWN}</span>` : v}</dd>
    </div>`)}
  </dl>`
}

function matchSection (view, state, can) {
  const matches = pick(view, 'possibleMatches') || []
  const matchState = pick(view, 'matchState')
  if (!Array.isArray(matches) || matches.length === 0 || (matchState && matchState !== 'pending')) return ''
  const errs = state.form === 'match' ? state.errors : {}
  const cases = view.matchCases || {}
  const p = personOf(view)
  const ids = p.identifiers || {}
  const ref = referralOf(view)
  const items = matches.map((id, i) => {
    const c = cases[id]
    const who = c && c.person ? [nameOf(c.person), c.person.dateOfBirth ? `born ${dateText(c.person.dateOfBirth)}` : null].filter(Boolean).join(', ') : ''
    return { value: `same-person:${id}`, text: `The same person as existing case ${i + 1}${who ? ` (${who})` : ''}` }
  })
  items.push({ value: 'different-person', text: 'A different person: keep this referral on its own case' })
  const col = (c) => (c ? c.identifiers || {} : {})
  const joinList = (xs) => (Array.isArray(xs) && xs.length ? xs.join(', ') : undefined)
  return html`<section id="possible-match" aria-labelledby="match-heading">
    <h2 class="govuk-heading-m" id="match-heading">This person may already be known</h2>
    <p class="govuk-body">The name and date of birth match ${matches.length === 1 ? 'an existing case' : `${matches.length} existing cases`}, but no identifier does. Compare them and decide: cases are never merged without a person deciding.</p>
    <div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
      id: 'match-compare',
      caption: 'This referral beside the existing case',
      captionSize: 's',
      head: ['', 'This referral', ...matches.map((id, i) => html`Existing case ${i + 1}<br><a class="govuk-link govuk-body-s" href="/cases/${encodeURIComponent(id)}">Open the case record<span class="govuk-visually-hidden"> of existing case ${i + 1}</span></a>`)],
      rows: [
        ['Name', nameOf(p), ...matches.map((id) => cases[id] ? nameOf(cases[id].person) : (cases[id] === null ? 'You cannot see this case' : undefined))],
        ['Date of birth', p.dateOfBirth ? dateText(p.dateOfBirth) : undefined, ...matches.map((id) => cases[id] && cases[id].person && cases[id].person.dateOfBirth ? dateText(cases[id].person.dateOfBirth) : undefined)],
        ['Other names', joinList((p.aliases || []).map(nameOf).filter(Boolean)), ...matches.map((id) => cases[id] && cases[id].person ? joinList((cases[id].person.aliases || []).map(nameOf).filter(Boolean)) : undefined)],
        ['nDelius CRN', ids.crn, ...matches.map((id) => joinList(col(cases[id]).crn))],
        ['PNC number', ids.pnc, ...matches.map((id) => joinList(col(cases[id]).pnc))],
        ['Council case number', ids.councilNumber, ...matches.map((id) => joinList(col(cases[id]).councilNumber))],
        ['Address', addressText(pick(ref, 'address')), ...matches.map(() => undefined)],
        ['Level of management', undefined, ...matches.map((id) => cases[id] && cases[id].level ? `Level ${cases[id].level}` : 'Not confirmed')],
        ['Referrals', '1 (this one)', ...matches.map((id) => cases[id] ? String((cases[id].referrals || []).length) : undefined)]
      ]
    })}</div>
    ${can.match
      ? html`<form id="match-form" novalidate>
          ${radios({ id: 'match-decision', name: 'match', legend: 'Is this the same person?', items, error: errs['match-decision'] })}
          ${button('Confirm', { secondary: true })}
        </form>`
      : html`<p class="govuk-body">A business support officer decides whether this is the same person.</p>`}
  </section>`
}

function decisionSection (view, state, can) {
  const status = view.status
  if (status !== 'classified' && status !== 'more-information-needed') {
    if (status === 'received') {
      return html`<p class="govuk-body">You can decide once the referral has been classified.</p>`
    }
    return ''
  }
  if (!can.decide) return html`<p class="govuk-body" id="decision-who">A business support officer decides whether to accept this referral. Your role cannot decide referrals.</p>`
  const errs = state.form === 'decision' ? state.errors : {}
  const v = state.form === 'decision' ? state.values : {}
  return html`<form id="decision-form" novalidate>
    ${radios({
      id: 'decision', name: 'decision', legend: 'What do you want to do with this referral?', legendSize: 'm',
      items: DECISIONS.map((d) => ({ value: d.value, text: d.text })), error: errs.decision, value: v.decision
    })}
    ${textarea({ id: 'reason', name: 'reason', label: 'Reason', hint: 'Required to ask for more information or to decline. The referring agency will see it, so do not include anything they should not read.', error: errs.reason, value: v.reason || '' })}
    ${button('Save decision')}
  </form>`
}

function levelForm (view, state, can) {
  const caseId = caseIdOf(view)
  const status = view.status
  if (!caseId || status === 'received' || status === 'declined') return ''
  const suggested = levelNumber(suggestedLevelOf(view))
  const confirmed = levelNumber(pick(view, 'case.level'))
  if (!can.level) {
    return html`<h3 class="govuk-heading-m">Level of management</h3>
      <p class="govuk-body" id="level-who">${confirmed ? html`Level ${confirmed} is confirmed. ` : ''}A business support officer, service manager or head of service confirms or changes the level. Your role cannot.</p>`
  }
  if (view.case === null) {
    return html`<p class="govuk-body">The level of management could not be shown because you cannot see this case.</p>`
  }
  const errs = state.form === 'level' ? state.errors : {}
  const v = state.form === 'level' ? state.values : {}
  const choices = [1, 2, 3].filter((n) => n !== confirmed)
  const hint = confirmed
    ? `Level ${confirmed} is confirmed. To change it, choose the new level and give the reason.`
    : (suggested ? `The rules suggest level ${suggested}. Choose another level only with a reason.` : 'The rules do not suggest a level. Choose a level and give the reason.')
  return html`<form id="level-form" novalidate>
    ${radios({
      id: 'level', name: 'level', legend: confirmed ? 'Change the level of management' : 'Confirm the level of management', legendSize: 'm',
      hint,
      items: choices.map((n) => ({ value: n, text: `Level ${n}${n === suggested ? ' (suggested)' : ''}` })),
      error: errs.level, value: v.level
    })}
    ${textarea({ id: 'level-reason', name: 'levelReason', label: confirmed ? 'Reason for the change' : 'Reason (required for a level other than the suggested one)', error: errs['level-reason'], value: v.levelReason || '', rows: 3 })}
    ${can.recordOnly ? dateInput({ id: 'level-meeting', legend: 'Date of the MAPPA meeting that decided the level', hint: 'Record the level the meeting decided, for example 20 11 2026.', error: errs['level-meeting'], value: dateValue(v, 'level-meeting') }) : ''}
    ${button(confirmed ? 'Change level' : 'Save level', { secondary: true })}
  </form>`
}

const MATCH_WORDS = { 'match:same-person': 'Linked to an existing case (same person)', 'match:different-person': 'Possible match checked: a different person', information: 'More information received from the referring agency' }

/** The decision and level history in words, newest first. */
export function historyRows (view, { who, names } = {}) {
  const decisions = (pick(view, 'decisions') || []).map((d) => ({
    at: d.at,
    who: d.decision === 'information' ? `Referring agency (${d.actor})` : actorText(d.actor, { who, names, role: 'business-support-officer' }),
    what: MATCH_WORDS[d.decision] || DECISIONS.find((x) => x.value === d.decision)?.past || d.decision,
    why: d.reason && !String(d.decision).startsWith('match:') ? d.reason : (String(d.decision) === 'match:same-person' ? 'Same name, date of birth and details as the existing case' : d.reason)
  }))
  const levels = (pick(view, 'case.levelHistory') || []).map((l) => ({
    at: l.at,
    who: actorText(l.actor, { who, names }),
    what: l.previousLevel && l.previousLevel !== l.level
      ? `Level changed from ${l.previousLevel} to ${l.level}`
      : (l.action === 'confirm' || (l.suggestedLevel && l.suggestedLevel === l.level) ? `Level ${l.level} confirmed (the suggested level)` : `Level ${l.level} confirmed`),
    why: l.reason
  }))
  return [...decisions, ...levels].sort((a, b) => String(b.at).localeCompare(String(a.at)))
}

function historySection (view, who) {
  const all = historyRows(view, { who, names: view.names })
  return html`<h2 class="govuk-heading-m" id="history">History</h2>
    ${all.length === 0
      ? html`<p class="govuk-body">No decisions yet.</p>`
      : html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'decision-history', caption: 'Decisions, newest first', captionSize: 's', head: ['When', 'What happened', 'Who', 'Reason'], rows: all.map((d) => [dateTimeText(d.at), d.what, d.who, d.why || 'None given']) })}</div>`}`
}

function page (view, state, who = null, today = londonDate(new Date())) {
  const n = notice(view)
  const errs = state.errors || {}
  const can = abilities(who)
  const name = nameOf(personOf(view))
  const agency = pick(referralOf(view), 'referringAgency')
  const showDecide = ['classified', 'more-information-needed', 'received', 'accepted'].includes(view.status)
  return html`
    ${errorSummary(summaryErrors(errs))}
    ${state.flash ? notificationBanner({ success: true, heading: state.flash }) : ''}
    <span class="govuk-caption-l">Referral${agency ? html` from ${agencyText(agency)}` : ''}</span>
    <h1 class="govuk-heading-l" id="person-name">${name || 'Referral'}</h1>
    <p class="govuk-body" id="referral-status">Status: ${statusTag(view.status)}${n && n.short ? html` ${shortNoticeTag()}` : ''}${pick(view, 'matchState') === 'pending' ? html` ${tag('Possible match', 'orange')}` : ''}</p>
    ${summarySection(view, can, today)}
    ${caseIdOf(view) && view.case !== null ? html`<p class="govuk-body"><a class="govuk-link" href="/cases/${encodeURIComponent(caseIdOf(view))}" id="case-link">Open the case record</a></p>` : ''}
    ${matchSection(view, state, can)}
    <div class="govuk-grid-row"><div class="govuk-grid-column-full">
      ${classificationSection(view)}
      ${levelSection(view)}
    </div></div>
    ${showDecide ? html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      <h2 class="govuk-heading-l" id="decide">Decide</h2>
      ${decisionSection(view, state, can)}
      ${levelForm(view, state, can)}
    </div></div>` : ''}
    ${factsReceived(view, n)}
    ${historySection(view, who)}
    <p class="govuk-body"><a class="govuk-link" href="/referrals">Back to referrals</a></p>`
}

/** A refusal in words: who may do it, or what changed. */
export function refusalText (form, err) {
  if (err.status === 403) {
    return form === 'level'
      ? 'Your change was not saved: only business support officers, service managers and heads of service can confirm or change the level of management.'
      : 'Your change was not saved: only business support officers can decide referrals and possible matches.'
  }
  if (err.status === 412 || (err.status === 409 && /changed/i.test(err.problem.detail || ''))) {
    return 'Your change was not saved: someone else changed this referral while you were looking at it. The page now shows the change; check it and decide again.'
  }
  if (err.status === 409) return `Your change was not saved: ${err.problem.detail || 'it is not possible in the referral’s current state.'}`
  if (err.status === 404) return 'Your change was not saved: the referral or case no longer exists, or you cannot see it.'
  return 'Your change was not saved because of a problem with the service. Try again.'
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
    if (!(err instanceof ApiError)) console.error(err)
    const message = err instanceof ApiError ? refusalText(form, err) : refusalText(form, { status: 0, problem: {} })
    if (err instanceof ApiError && (err.status === 409 || err.status === 412)) {
      // Show what changed: reload the referral under the message.
      try {
        const fresh = await load(id)
        draw(ctx, id, fresh, { form, values: {}, errors: { _conflict: message } })
        return
      } catch (e) {
        if (e instanceof SignedOut) return
      }
    }
    draw(ctx, id, view, { form, values, errors: { _error: message } })
  }
}

let pollTimer = null

function draw (ctx, id, view, state) {
  const hasErrors = state.errors && Object.keys(state.errors).length > 0
  if (!ctx.show('Referral', page(view, state, ctx.who), { error: hasErrors })) return
  const root = document.getElementById('app')
  const version = pick(view, 'version')

  // Until it is classified the page asks again every few seconds and
  // redraws itself when the answer is there.
  clearTimeout(pollTimer)
  if (view.status === 'received') {
    const started = Date.now()
    const poll = async () => {
      if (!ctx.current()) return
      try {
        const fresh = await load(id)
        if (!ctx.current()) return
        if (fresh.status !== 'received') {
          draw(ctx, id, fresh, { flash: 'The referral has been classified', errors: {} })
          return
        }
      } catch (e) {
        if (e instanceof SignedOut) return
      }
      if (Date.now() - started < 120000) pollTimer = setTimeout(poll, 2000)
    }
    pollTimer = setTimeout(poll, 1500)
  }

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
    const confirmed = levelNumber(pick(view, 'case.level'))
    const level = values.level ? Number(values.level) : 0
    const body = level && level === suggested && !confirmed ? { action: 'confirm' } : { action: 'set' }
    if (level) body.level = level
    if (values.levelReason && values.levelReason.trim()) body.reason = values.levelReason
    const meeting = readDate(values, 'level-meeting', 'Date of the meeting')
    if (meeting.iso) body.meetingDate = meeting.iso
    const caseVersion = pick(view, 'case.version')
    if (Number.isInteger(caseVersion) && caseVersion > 0) body.version = caseVersion
    // Every problem in one round.
    const errors = {}
    if (!level) errors.level = 'Select the level of management'
    if (abilities(ctx.who).recordOnly && !meeting.iso) errors['level-meeting'] = meeting.error || 'Enter the date of the MAPPA meeting that decided the level'
    if (Object.keys(errors).length) {
      draw(ctx, id, view, { form: 'level', values, errors })
      return
    }
    submit(ctx, id, view, 'level', values,
      () => api(`/v1/staff/cases/${encodeURIComponent(caseIdOf(view))}/level`, { method: 'POST', body }),
      { '/action': 'level', '/level': 'level', '/reason': 'level-reason', '/meetingDate': 'level-meeting', '': 'level' },
      confirmed ? `Level changed from ${confirmed} to ${level}` : `Level ${level} confirmed`)
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

async function caseOrNull (caseId) {
  try {
    return await api(`/v1/staff/cases/${encodeURIComponent(caseId)}`)
  } catch (err) {
    if (err instanceof SignedOut) throw err
    return null
  }
}

/** The referral, its case (level and history) and any possibly matching cases. */
async function load (id) {
  const view = (await api(`/v1/staff/referrals/${encodeURIComponent(id)}`)) || {}
  // Some roles may not see the case: the page still shows the referral.
  const caseId = caseIdOf(view)
  const matches = view.matchState === 'pending' && Array.isArray(view.possibleMatches) ? view.possibleMatches.slice(0, 5) : []
  const [names, c, ...others] = await Promise.all([staffNames(), caseId ? caseOrNull(caseId) : null, ...matches.map(caseOrNull)])
  view.names = names
  view.case = c
  view.matchCases = Object.fromEntries(matches.map((m, i) => [m, others[i]]))
  return view
}

export async function renderReferral (ctx, id) {
  const view = await load(id)
  const message = flash
  flash = null
  draw(ctx, id, view, { flash: message, errors: {} })
}

// Exported for tests of the page markup without a browser session.
export const _test = { page, notice, fieldErrors, endText, nextStep, historyRows, refusalText }

/** Shows a success banner on the next referral page drawn (after entering a referral). */
export function flashNext (message) {
  flash = message
}
