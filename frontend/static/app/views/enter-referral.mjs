// "Enter a referral": a business support officer types in a MAPPA A
// referral that came by email. It posts the referral JSON
// (shared/referral Referral) to POST /v1/staff/referrals with an
// Idempotency-Key made when the form is loaded, so a double submit or a
// retry creates one referral; on 202 it goes to the new referral's page.
//
// Page title "Enter a referral"; the URL is /referrals/new. Nothing the
// officer types goes into a URL, a title or storage.

import { html, input, dateInput, radios, textarea, button, errorSummary } from '../html.mjs'
import { api, ApiError } from '../api.mjs'
import { text, readDate, dateValue, newIdempotencyKey } from '../forms.mjs'
import { factsQuestions, factsFields, readFacts, RISK_LEVELS, runFactsForm } from './facts-form.mjs'
import { flashNext } from './referral.mjs'

const TITLE = 'Enter a referral'

const AGENCY_TYPES = [
  { value: 'police', text: 'Police' },
  { value: 'probation', text: 'Probation' },
  { value: 'prison', text: 'Prison' },
  { value: 'youth-justice', text: 'Youth justice' },
  { value: 'other', text: 'Other' }
]

const GENDERS = [
  { value: 'female', text: 'Female' },
  { value: 'male', text: 'Male' },
  { value: 'other', text: 'Other' },
  { value: 'not-known', text: 'Not known' }
]

const RISK_GROUPS = [
  ['risk-children', 'children', 'Children'],
  ['risk-public', 'public', 'The public'],
  ['risk-known-adult', 'knownAdult', 'A known adult'],
  ['risk-staff', 'staff', 'Staff']
]

const RISK_RANK = Object.fromEntries(RISK_LEVELS.map((r, i) => [r.value, i + 1]))

// [id, pointer, label, message when missing] in page order; the facts
// questions sit between the address and the risk.
function fields (offences, v = {}) {
  const f = []
  const add = (id, pointers, label, required, date = false) => f.push({ id, pointers, label, required, href: date ? `#${id}-day` : `#${id}` })
  add('referring-type', ['/referringAgency/type', '/referringAgency'], 'Referring agency type', 'Select the type of the referring agency')
  add('referring-name', ['/referringAgency/name'], 'Referring agency name', 'Enter the name of the referring agency')
  add('lead-type', ['/leadAgency/type', '/leadAgency'], 'Lead agency type', 'Select the type of the lead agency')
  add('lead-name', ['/leadAgency/name'], 'Lead agency name', 'Enter the name of the lead agency')
  add('agency-reference', ['/agencyReference'], 'Agency reference', 'Enter the referring agency’s reference')
  add('referrer-name', ['/referrer/name', '/referrer'], 'Referrer’s name', 'Enter the referrer’s name')
  add('referrer-role', ['/referrer/role'], 'Referrer’s role', 'Enter the referrer’s role')
  add('referrer-email', ['/referrer/email'], 'Referrer’s email address', 'Enter the referrer’s email address')
  add('referrer-phone', ['/referrer/phone'], 'Referrer’s telephone number')
  add('given-names', ['/person/givenNames', '/person'], 'Given names', 'Enter the person’s given names')
  add('family-name', ['/person/familyName'], 'Family name', 'Enter the person’s family name')
  add('dob', ['/person/dateOfBirth', '/facts/dateOfBirth'], 'Date of birth', 'Enter the person’s date of birth', true)
  add('gender', ['/person/gender'], 'Gender', 'Select the person’s gender')
  add('ethnicity', ['/person/ethnicity'], 'Ethnicity')
  add('crn', ['/person/identifiers/crn', '/person/identifiers'], 'nDelius CRN')
  add('pnc', ['/person/identifiers/pnc'], 'PNC number')
  add('council-number', ['/person/identifiers/councilNumber'], 'Council case number')
  add('address-kind', ['/address'], 'Address:')
  add('address-line-1', ['/address/lines', '/address/lines/0'], 'Address line 1', 'Enter the first line of the address')
  add('address-line-2', ['/address/lines/1'], 'Address line 2')
  add('address-town', ['/address/town'], 'Town or city', 'Enter the town or city')
  add('address-postcode', ['/address/postcode'], 'Postcode', 'Enter the postcode')
  add('address-area', ['/address/areaOfClosestLinks'], 'Area of closest links', 'Enter the area the person has closest links with')
  f.push(...factsFields('/facts', offences, { withBirth: false }))
  add('risk-children', ['/currentRisk/children', '/currentRisk', '/facts/currentRisk'], 'Risk to children', 'Select the risk of serious harm to children')
  add('risk-public', ['/currentRisk/public'], 'Risk to the public', 'Select the risk of serious harm to the public')
  add('risk-known-adult', ['/currentRisk/knownAdult'], 'Risk to a known adult', 'Select the risk of serious harm to a known adult')
  add('risk-staff', ['/currentRisk/staff'], 'Risk to staff', 'Select the risk of serious harm to staff')
  add('risk-to-whom', ['/currentRisk/toWhom'], 'Who is at risk', 'Enter who is at risk')
  add('reason', ['/reasonForReferral'], 'Reason for referral', 'Enter the reason for the referral')
  add('level-requested', ['/levelRequested'], 'Level requested', 'Select the level of management requested')
  if (!v['level-requested']) f[f.length - 1].requiredIf = /^must be 1, 2 or 3/
  add('has-meeting', ['/meetingInvitation'], 'Meeting invitation:')
  add('meeting-date', ['/meetingInvitation/date'], 'Meeting date', 'Enter the date of the meeting', true)
  add('meeting-time', ['/meetingInvitation/time'], 'Meeting time', 'Enter the time of the meeting')
  add('meeting-place', ['/meetingInvitation/place'], 'Meeting place:', 'Enter the place of the meeting or a link to join it')
  f[f.length - 1].requiredIf = /^give a place or a link/
  add('meeting-link', ['/meetingInvitation/link'], 'Link to join the meeting')
  add('meeting-chair', ['/meetingInvitation/chair'], 'Chair')
  add('meeting-type', ['/meetingInvitation/meetingType'], 'Meeting type', 'Select whether it is an initial or a review meeting')
  return f
}

/** The referral JSON and the date inputs that are not real dates. */
export function readReferral (v, offences) {
  const dateErrors = {}
  const date = (id, label) => {
    const r = readDate(v, id, label)
    if (r.error) dateErrors[id] = r
    return r.iso
  }
  const dob = date('dob', 'Date of birth')
  const risk = {}
  for (const [id, key] of RISK_GROUPS) { const r = text(v, id); if (r) risk[key] = r }
  const highest = Object.values(risk).sort((a, b) => (RISK_RANK[b] || 0) - (RISK_RANK[a] || 0))[0]
  const overrides = {}
  if (dob) overrides.dateOfBirth = dob
  if (highest) overrides.currentRisk = highest
  const { facts, dateErrors: factDateErrors } = readFacts(v, offences, { mode: 'referral', overrides })
  Object.assign(dateErrors, factDateErrors)

  const opt = (obj, key, val) => { if (val !== undefined) obj[key] = val }
  const body = {
    agencyReference: text(v, 'agency-reference') || '',
    referringAgency: {},
    leadAgency: {},
    referrer: {},
    person: { identifiers: {} },
    address: {},
    facts,
    currentRisk: { ...risk, toWhom: text(v, 'risk-to-whom') || '' },
    reasonForReferral: text(v, 'reason') || ''
  }
  opt(body.referringAgency, 'type', text(v, 'referring-type'))
  body.referringAgency.name = text(v, 'referring-name') || ''
  opt(body.leadAgency, 'type', text(v, 'lead-type'))
  body.leadAgency.name = text(v, 'lead-name') || ''
  body.referrer.name = text(v, 'referrer-name') || ''
  body.referrer.role = text(v, 'referrer-role') || ''
  body.referrer.email = text(v, 'referrer-email') || ''
  opt(body.referrer, 'phone', text(v, 'referrer-phone'))
  body.person.givenNames = text(v, 'given-names') || ''
  body.person.familyName = text(v, 'family-name') || ''
  opt(body.person, 'dateOfBirth', dob)
  opt(body.person, 'gender', text(v, 'gender'))
  opt(body.person, 'ethnicity', text(v, 'ethnicity'))
  opt(body.person.identifiers, 'crn', text(v, 'crn')?.toUpperCase())
  opt(body.person.identifiers, 'pnc', text(v, 'pnc')?.toUpperCase())
  opt(body.person.identifiers, 'councilNumber', text(v, 'council-number'))
  if (v['address-kind'] === 'no-fixed-abode') {
    body.address = { noFixedAbode: true, areaOfClosestLinks: text(v, 'address-area') || '' }
  } else if (v['address-kind'] === 'postal') {
    body.address.lines = [text(v, 'address-line-1'), text(v, 'address-line-2')].filter(Boolean)
    opt(body.address, 'town', text(v, 'address-town'))
    opt(body.address, 'postcode', text(v, 'address-postcode'))
  }
  const level = text(v, 'level-requested')
  body.levelRequested = level ? Number(level) : 0
  if (v['has-meeting'] === 'yes') {
    const m = {}
    opt(m, 'date', date('meeting-date', 'Meeting date'))
    m.time = text(v, 'meeting-time') || ''
    opt(m, 'place', text(v, 'meeting-place'))
    opt(m, 'link', text(v, 'meeting-link'))
    opt(m, 'chair', text(v, 'meeting-chair'))
    opt(m, 'meetingType', text(v, 'meeting-type'))
    body.meetingInvitation = m
  }
  return { body, dateErrors }
}

function page (state) {
  const v = state.values
  const e = state.messages
  const err = (id) => e[id]
  const ri = (id, label, opts = {}) => input({ id, label, error: err(id), value: v[id], ...opts })
  const agency = (prefix, who) => html`
    ${radios({ id: `${prefix}-type`, name: `${prefix}-type`, legend: `${who} type`, legendSize: 's', inline: true, error: err(`${prefix}-type`), value: v[`${prefix}-type`], items: AGENCY_TYPES })}
    ${ri(`${prefix}-name`, `${who} name`, { hint: prefix === 'referring' ? 'For example, Thames Valley Police' : 'For example, Probation Service, Thames Valley' })}`
  return html`
    ${errorSummary(state.summary)}
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      <span class="govuk-caption-l">Referrals</span>
      <h1 class="govuk-heading-l">Enter a referral</h1>
      <p class="govuk-body">Use this form for a MAPPA A referral that came to the MAPPA inbox by email. Copy what the referring agency sent. The referral is classified a few seconds after you send it.</p>
      <form id="referral-form" novalidate>
        <h2 class="govuk-heading-m">Referring agency</h2>
        ${agency('referring', 'Referring agency')}
        ${agency('lead', 'Lead agency')}
        ${ri('agency-reference', 'Agency reference', { hint: 'The referring agency’s own reference for this referral', width: '20', spellcheck: false })}
        <h3 class="govuk-heading-s">Referrer</h3>
        ${ri('referrer-name', 'Name', { autocomplete: 'off' })}
        ${ri('referrer-role', 'Role', { hint: 'For example, public protection unit' })}
        ${ri('referrer-email', 'Email address', { type: 'email', autocomplete: 'off', spellcheck: false })}
        ${ri('referrer-phone', 'Telephone number (optional)', { type: 'tel', autocomplete: 'off', width: '20' })}

        <h2 class="govuk-heading-m">Person referred</h2>
        ${ri('given-names', 'Given names', { autocomplete: 'off', spellcheck: false })}
        ${ri('family-name', 'Family name', { autocomplete: 'off', spellcheck: false })}
        ${dateInput({ id: 'dob', legend: 'Date of birth', hint: 'For example, 14 3 1988', error: err('dob'), errorParts: e['dob:parts'], value: dateValue(v, 'dob') })}
        ${radios({ id: 'gender', name: 'gender', legend: 'Gender', legendSize: 's', inline: true, error: err('gender'), value: v.gender, items: GENDERS })}
        ${ri('ethnicity', 'Ethnicity (optional)', { width: '20' })}
        <h3 class="govuk-heading-s">Identifiers</h3>
        <p class="govuk-body">Give every identifier the referral has. They link the referral to a case the council already holds.</p>
        ${ri('crn', 'nDelius CRN (optional)', { hint: 'A letter and six digits, for example X123456', width: '10', spellcheck: false })}
        ${ri('pnc', 'PNC number (optional)', { hint: 'For example, 08/0123456K', width: '10', spellcheck: false })}
        ${ri('council-number', 'Council case number (optional)', { width: '10', spellcheck: false })}
        ${radios({
          id: 'address-kind', name: 'address-kind', legend: 'Address', legendSize: 's', error: err('address-kind'), value: v['address-kind'],
          items: [
            { value: 'postal', text: 'Postal address', conditional: html`
              ${ri('address-line-1', 'Address line 1', { autocomplete: 'off' })}
              ${ri('address-line-2', 'Address line 2 (optional)', { autocomplete: 'off' })}
              ${ri('address-town', 'Town or city', { width: 'two-thirds', autocomplete: 'off' })}
              ${ri('address-postcode', 'Postcode', { width: '10', autocomplete: 'off', spellcheck: false })}` },
            { value: 'no-fixed-abode', text: 'No fixed abode', conditional: ri('address-area', 'Area the person has closest links with', { hint: 'For example, Reading town centre' }) }
          ]
        })}

        ${factsQuestions({ v, e, offences: state.offences, mode: 'referral' })}

        <h2 class="govuk-heading-m">Current risk of serious harm</h2>
        <p class="govuk-body">As the referral gives it (OASys). The highest is used to suggest a level of management.</p>
        ${RISK_GROUPS.map(([id, , group]) => radios({ id, name: id, legend: `Risk to ${group.charAt(0).toLowerCase() + group.slice(1)}`, legendSize: 's', inline: true, error: err(id), value: v[id], items: RISK_LEVELS }))}
        ${textarea({ id: 'risk-to-whom', name: 'risk-to-whom', label: 'Who is at risk?', hint: 'For example, former partner and her children', error: err('risk-to-whom'), value: v['risk-to-whom'] || '', rows: 3 })}

        <h2 class="govuk-heading-m">Referral</h2>
        ${textarea({ id: 'reason', name: 'reason', label: 'Reason for referral', error: err('reason'), value: v.reason || '', rows: 5 })}
        ${radios({ id: 'level-requested', name: 'level-requested', legend: 'Level of management requested', legendSize: 's', inline: true, error: err('level-requested'), value: v['level-requested'], items: [1, 2, 3].map((n) => ({ value: String(n), text: `Level ${n}` })) })}

        ${radios({
          id: 'has-meeting', name: 'has-meeting', legend: 'Did the referral come with an invitation to a MAPPA meeting?', legendSize: 'm', error: err('has-meeting'), value: v['has-meeting'] || 'no',
          items: [
            { value: 'yes', text: 'Yes', conditional: html`
              ${dateInput({ id: 'meeting-date', legend: 'Date of the meeting', hint: 'For example, 25 3 2027', error: err('meeting-date'), errorParts: e['meeting-date:parts'], value: dateValue(v, 'meeting-date') })}
              ${ri('meeting-time', 'Time', { hint: 'Use the 24-hour clock, for example 10:00 or 14:30', width: '5', spellcheck: false })}
              ${ri('meeting-place', 'Place (optional if there is a link)')}
              ${ri('meeting-link', 'Link to join online (optional if there is a place)', { type: 'url', spellcheck: false, hint: 'Starting https://' })}
              ${ri('meeting-chair', 'Chair (optional)')}
              ${radios({ id: 'meeting-type', name: 'meeting-type', legend: 'Meeting type', legendSize: 's', inline: true, error: err('meeting-type'), value: v['meeting-type'], items: [{ value: 'initial', text: 'Initial meeting' }, { value: 'review', text: 'Review meeting' }] })}` },
            { value: 'no', text: 'No' }
          ]
        })}

        ${button('Send referral')}
      </form>
      <p class="govuk-body"><a class="govuk-link" href="/referrals">Cancel and go back to referrals</a></p>
    </div></div>`
}

// The form's behaviour (date checks, one request at a time, errors mapped
// to questions) is the shared facts-form runner's; entering adds the
// Idempotency-Key, so a retry or a double submit enters one referral.
function draw (ctx, state, opts) {
  runFactsForm(ctx, {
    title: TITLE,
    formId: 'referral-form',
    page,
    read: readReferral,
    fields,
    send: (body, st) => api('/v1/staff/referrals', { method: 'POST', body, headers: { 'Idempotency-Key': st.key } }),
    done: (created) => {
      flashNext(created && created.replayed ? 'This referral had already been entered' : 'Referral entered')
      ctx.navigate(`/referrals/${encodeURIComponent(created.id)}`)
    },
    failure: (err) => {
      if (err instanceof ApiError && err.status === 409) return 'A different referral was already sent from this form. Reload the page to enter a new referral.'
      if (err instanceof ApiError && err.status === 403) return 'Only business support officers can enter referrals.'
    },
    failed: 'The referral was not sent because of a problem with the service. Try again: it will not be entered twice.'
  }, state, opts)
}

export async function renderEnterReferral (ctx) {
  // One form load, one key: kept while the officer corrects errors (every
  // redraw carries it), new when the page is opened again.
  draw(ctx, { key: newIdempotencyKey(), values: {}, offences: 1, messages: {}, summary: [], busy: false })
}

export const _test = { readReferral, fields, page }
