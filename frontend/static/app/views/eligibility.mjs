// "Check eligibility": any member of staff can ask the eligibility engine
// about a set of facts (POST /v1/eligibility) and see the explained answer
// the referral page shows: outcome, category, every basis with its end, the
// reasons with their sources, the facts missing to decide and the suggested
// level; optionally when the next review meeting falls and whether an
// invitation gave enough notice. Nothing is stored: the facts stay in this
// page's memory only (never in the URL or storage).

import { html, summaryList, table, errorSummary, warningText, checkboxes, radios, dateInput, button, tag } from '../html.mjs'
import { api, ApiError } from '../api.mjs'
import { readDate, dateValue, checked, text } from '../forms.mjs'
import { dateText } from '../format.mjs'
import { factsQuestions, factsFields, readFacts, runFactsForm } from './facts-form.mjs'
import { classificationSection, levelSection, reasonTableRows, REASON_HEAD } from './classification.mjs'
import { londonDate } from './facts-view.mjs'

const TITLE = 'Check eligibility'

function fields (offences) {
  const f = factsFields('', offences, { withBirth: true })
  const add = (id, pointers, label, required, date = false) => f.push({ id, pointers, label, required, href: date ? `#${id}-day` : `#${id}` })
  add('ask-review', ['/review'], 'Next review:')
  add('review-level', ['/review/level'], 'Level', 'Select the level the person is managed at')
  f[f.length - 1].requiredIf = /^must be 2 or 3/ // the form sends 0 when no level is chosen
  add('review-last', ['/review/lastMeeting'], 'Date of the last meeting', 'Enter the date of the last meeting', true)
  add('ask-notice', ['/notice'], 'Notice:')
  add('notice-meeting', ['/notice/meeting'], 'Meeting date', 'Enter the date of the meeting', true)
  add('notice-received', ['/notice/received'], 'Date the invitation was received', 'Enter the date the invitation was received', true)
  add('as-of', ['/asOf'], 'Assess as at', null, true)
  return f
}

/** The request body and the date inputs that are not real dates. */
export function readRequest (v, offences) {
  const { facts, dateErrors } = readFacts(v, offences, { mode: 'check' })
  const body = { ...facts }
  if (body.offences && body.offences.length === 1 && Object.keys(body.offences[0]).length === 0) delete body.offences
  const date = (id, label) => {
    const r = readDate(v, id, label)
    if (r.error) dateErrors[id] = r
    return r.iso
  }
  if (checked(v, 'ask-review')) {
    const q = {}
    const level = text(v, 'review-level')
    q.level = level ? Number(level) : 0
    const last = date('review-last', 'Date of the last meeting')
    if (last) q.lastMeeting = last
    body.review = q
  }
  if (checked(v, 'ask-notice')) {
    const q = {}
    const meeting = date('notice-meeting', 'Meeting date')
    if (meeting) q.meeting = meeting
    const received = date('notice-received', 'Date the invitation was received')
    if (received) q.received = received
    body.notice = q
  }
  const asOf = date('as-of', 'Assess as at')
  if (asOf) body.asOf = asOf
  const clientErrors = {}
  if (nothingToCheck(body) && !dateErrors['offence-0-date']) {
    clientErrors['offence-0-code'] = 'Enter at least one offence, or answer whether the person is subject to notification, to check eligibility'
  }
  return { body, dateErrors, clientErrors }
}

// nothingToCheck: no fact the answer could turn on, only the date of birth,
// age or risk. The service refuses such a check too (422 naming /offences);
// the browser says it at the first offence question.
function nothingToCheck (body) {
  const keys = Object.keys(body).filter((k) => k !== 'review' && k !== 'notice' && k !== 'asOf')
  const given = keys.filter((k) => !(k === 'offences' && (!body.offences || body.offences.length === 0)))
  return given.every((k) => k === 'dateOfBirth' || k === 'ageAtConviction' || k === 'currentRisk')
}

function formPage (state) {
  const v = state.values
  const e = state.messages
  const err = (id) => e[id]
  return html`
    ${errorSummary(state.summary)}
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      <h1 class="govuk-heading-l">Check eligibility</h1>
      <p class="govuk-body">Find out whether a person is a MAPPA offender, in which category and until when, and which level of management the rules suggest. Every answer says which rule it used and where the rule comes from.</p>
      <div class="govuk-inset-text">Nothing you enter here is saved. Give what you know: the answer lists any facts it needs and does not have.</div>
      <form id="eligibility-form" novalidate>
        ${factsQuestions({ v, e, offences: state.offences, mode: 'check' })}
        ${checkboxes({
          id: 'ask-review', legend: 'Also work out (optional)', legendSize: 'm', hint: 'Select all that apply.', error: err('ask-review') || err('ask-notice'),
          items: [
            { name: 'ask-review', text: 'When the next review meeting is due', checked: checked(v, 'ask-review'), conditional: html`
              ${radios({ id: 'review-level', name: 'review-level', legend: 'Level of management', legendSize: 's', inline: true, hint: 'Only levels 2 and 3 have review meetings.', error: err('review-level'), value: v['review-level'], items: [{ value: '2', text: 'Level 2' }, { value: '3', text: 'Level 3' }] })}
              ${dateInput({ id: 'review-last', legend: 'Date of the last meeting', hint: 'For example, 4 2 2027', error: err('review-last'), errorParts: e['review-last:parts'], value: dateValue(v, 'review-last') })}` },
            { name: 'ask-notice', id: 'ask-notice', text: 'Whether a meeting invitation gave enough notice', checked: checked(v, 'ask-notice'), conditional: html`
              ${dateInput({ id: 'notice-meeting', legend: 'Date of the meeting', error: err('notice-meeting'), errorParts: e['notice-meeting:parts'], value: dateValue(v, 'notice-meeting') })}
              ${dateInput({ id: 'notice-received', legend: 'Date the invitation was received', error: err('notice-received'), errorParts: e['notice-received:parts'], value: dateValue(v, 'notice-received') })}` }
          ]
        })}
        ${dateInput({ id: 'as-of', legend: 'Assess as at (optional)', legendSize: 'm', hint: 'Leave it blank for today. Give a past date to see the answer as it stood then (a past referral), or a future one (a release).', error: err('as-of'), errorParts: e['as-of:parts'], value: dateValue(v, 'as-of') })}
        ${button('Check eligibility')}
      </form>
    </div></div>`
}

const REVIEW_BASIS = { interval: 'The review interval for the level', custody: 'Keyed to the release or parole eligibility date' }

/** Whether a review window has already closed (or its invitations are late) on today. */
export function overdue (w, today = londonDate(new Date())) {
  if (!w) return null
  if (w.latest && w.latest < today) return 'window'
  if (w.invitationsBy && w.invitationsBy < today) return 'invitations'
  return null
}

function reviewSection (w) {
  if (!w) return ''
  const rows = reasonTableRows(w.reasons)
  const late = overdue(w)
  return html`<h2 class="govuk-heading-m" id="review">Next review meeting</h2>
    ${late === 'window' ? html`<div id="review-overdue">${warningText(html`Overdue: the latest date for this review (${dateText(w.latest)}) has passed. Hold it as soon as possible.`)}</div>` : ''}
    ${late === 'invitations' ? html`<div id="review-overdue">${warningText(html`Overdue: invitations should have gone out by ${dateText(w.invitationsBy)} to give 14 days’ notice. Send them now and flag the meeting as short notice.`)}</div>` : ''}
    ${w.urgent ? warningText('The release is too close for the usual lead time: hold the review as soon as possible.') : ''}
    ${summaryList([
      { key: 'Hold it between', value: w.earliest && w.latest ? `${dateText(w.earliest)} and ${dateText(w.latest)}` : undefined },
      { key: 'Suggested date', value: w.suggested ? dateText(w.suggested) : undefined },
      { key: 'Send invitations by', value: w.invitationsBySuggested ? html`${dateText(w.invitationsBySuggested)} for the suggested date${w.invitationsBy ? html`<br><span class="govuk-body-s">${dateText(w.invitationsBy)} at the latest</span>` : ''}` : (w.invitationsBy ? dateText(w.invitationsBy) : undefined) },
      { key: 'Worked out from', value: REVIEW_BASIS[w.basis] || w.basis }
    ])}
    ${rows.length ? table({ id: 'review-reasons', caption: 'Why', captionSize: 's', head: REASON_HEAD, rows }) : ''}`
}

function noticeSection (n) {
  if (!n) return ''
  const rows = reasonTableRows(n.reasons)
  return html`<h2 class="govuk-heading-m" id="notice">Notice of the meeting</h2>
    ${n.short ? warningText('Short notice: flag it and telephone the single point of contact.') : ''}
    ${summaryList([
      { key: 'Notice given', value: typeof n.days === 'number' ? `${n.days} ${Math.abs(n.days) === 1 ? 'day' : 'days'}` : undefined },
      { key: 'Enough notice', value: n.short ? tag('No: short notice', 'red') : tag('Yes', 'green') }
    ])}
    ${rows.length ? table({ id: 'notice-reasons', caption: 'Why', captionSize: 's', head: REASON_HEAD, rows }) : ''}`
}

function resultPage (res) {
  const view = { classification: { result: res.classification || {}, levelSuggestion: res.suggestedLevel || {} } }
  return html`
    <span class="govuk-caption-l">Check eligibility</span>
    <h1 class="govuk-heading-l">Eligibility check result</h1>
    <div class="govuk-inset-text">This answer has not been saved. It is for the facts you gave${res.classification && res.classification.decidedOn ? html`, as of ${dateText(res.classification.decidedOn)}` : ''}.</div>
    <div class="govuk-grid-row"><div class="govuk-grid-column-full">
      ${classificationSection(view, { stored: false })}
      ${levelSection(view, { confirmed: false })}
      ${reviewSection(res.review)}
      ${noticeSection(res.notice)}
    </div></div>
    <div class="govuk-button-group">
      ${button('Change the facts', { secondary: true, type: 'button', attrs: 'id="change-facts"' })}
      <a class="govuk-link" href="/eligibility" id="new-check">Start a new check</a>
    </div>`
}

// The form's behaviour (date checks, one request at a time, errors mapped
// to questions) is the shared facts-form runner's.
const formSpec = {
  title: TITLE,
  formId: 'eligibility-form',
  page: formPage,
  read: readRequest,
  fields: (offences) => fields(offences),
  send: (body) => api('/v1/eligibility', { method: 'POST', body }),
  // Asked when the browser has found problems too, for the rest in the
  // same round (nothing is stored either way).
  // The browser has already said "enter at least one offence" for a check
  // with nothing in it, so the service's own refusal of it is not repeated.
  validate: async (body) => {
    try {
      return await api('/v1/eligibility', { method: 'POST', body })
    } catch (err) {
      if (err instanceof ApiError && nothingToCheck(body) && Array.isArray(err.problem.errors)) {
        err.problem.errors = err.problem.errors.filter((e) => e.pointer !== '/offences')
      }
      throw err
    }
  },
  failed: 'The facts could not be checked because of a problem with the service. Try again.'
}

function drawForm (ctx, state, opts) {
  runFactsForm(ctx, { ...formSpec, done: (res, next) => drawResult(ctx, next, res || {}) }, state, opts)
}

function drawResult (ctx, state, res) {
  if (!ctx.show('Check eligibility: result', resultPage(res))) return
  document.getElementById('change-facts')?.addEventListener('click', () => drawForm(ctx, state))
}

export async function renderEligibility (ctx) {
  drawForm(ctx, { values: {}, offences: 1, messages: {}, summary: [], busy: false })
}

export const _test = { readRequest, fields, formPage, resultPage }
