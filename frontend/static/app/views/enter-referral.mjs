// "Enter a referral": a business support officer types in a MAPPA A
// referral that came by email. It posts the referral JSON
// (shared/referral Referral) to POST /v1/staff/referrals with an
// Idempotency-Key made when the form is loaded, so a double submit or a
// retry creates one referral; on 202 it goes to the new referral's page.
//
// Page title "Enter a referral"; the URL is /referrals/new. Nothing the
// officer types goes into a URL, a title or storage.

import { html, input, dateInput, radios, textarea, button, errorSummary, checkboxes } from '../html.mjs'
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
  add('victims', ['/victims'], 'Victims')
  for (let i = 0; i < (v._victims || 0); i++) {
    const p = `/victims/${i}`
    add(`victim-${i}-name`, [p, `${p}/name`], `Victim ${i + 1}`, `Enter the name of victim ${i + 1} or details about them`)
    f[f.length - 1].requiredIf = /^needs a name or details/
    add(`victim-${i}-relationship`, [`${p}/relationship`], `Victim ${i + 1} relationship`)
    add(`victim-${i}-child`, [`${p}/isChild`], `Victim ${i + 1}`)
    add(`victim-${i}-details`, [`${p}/details`], `Victim ${i + 1} details`)
  }
  add('children', ['/associatedChildren'], 'Associated children')
  for (let i = 0; i < (v._children || 0); i++) {
    const p = `/associatedChildren/${i}`
    const n = `Child ${i + 1}`
    add(`child-${i}-given-names`, [p, `${p}/givenNames`], `${n} given names`, `Enter the given names of child ${i + 1}`)
    add(`child-${i}-family-name`, [`${p}/familyName`], `${n} family name`, `Enter the family name of child ${i + 1}`)
    add(`child-${i}-dob`, [`${p}/dateOfBirth`], `${n} date of birth`, `Enter the date of birth of child ${i + 1}`, true)
    add(`child-${i}-school`, [`${p}/school`], `${n} school`)
    add(`child-${i}-open`, [`${p}/openToChildrensSocialCare`], `${n}:`, `Select whether child ${i + 1} is open to children’s social care`)
    f[f.length - 1].requiredIf = /^is required/
    add(`child-${i}-worker`, [`${p}/allocatedWorker`, `${p}/allocatedWorker/name`], `${n} allocated worker`)
  }
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
  const clientErrors = {}
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
    const t = text(v, 'meeting-time')
    const parsed = t ? parseTime(t) : ''
    if (t && !parsed) clientErrors['meeting-time'] = 'Enter the time of the meeting, for example 2pm, 2:30pm or 14:30'
    m.time = parsed || ''
    opt(m, 'place', text(v, 'meeting-place'))
    opt(m, 'link', text(v, 'meeting-link'))
    opt(m, 'chair', text(v, 'meeting-chair'))
    opt(m, 'meetingType', text(v, 'meeting-type'))
    body.meetingInvitation = m
  }
  const victims = []
  for (let i = 0; i < (Number(v._victims) || 0); i++) {
    const x = {}
    opt(x, 'name', text(v, `victim-${i}-name`))
    opt(x, 'relationship', text(v, `victim-${i}-relationship`))
    if (v[`victim-${i}-child`] === 'true') x.isChild = true
    opt(x, 'details', text(v, `victim-${i}-details`))
    victims.push(x)
  }
  if (victims.length) body.victims = victims
  const children = []
  for (let i = 0; i < (Number(v._children) || 0); i++) {
    const c = { givenNames: text(v, `child-${i}-given-names`) || '', familyName: text(v, `child-${i}-family-name`) || '' }
    opt(c, 'dateOfBirth', date(`child-${i}-dob`, `Child ${i + 1} date of birth`))
    opt(c, 'school', text(v, `child-${i}-school`))
    const open = v[`child-${i}-open`]
    if (open === 'yes' || open === 'no') c.openToChildrensSocialCare = open === 'yes'
    const worker = text(v, `child-${i}-worker`)
    if (worker) c.allocatedWorker = { name: worker }
    children.push(c)
  }
  if (children.length) body.associatedChildren = children
  return { body, dateErrors, clientErrors }
}

/**
 * A time as people write it ("2pm", "2.30pm", "14:30", "1430", "noon") as
 * the 24-hour "HH:MM" the API takes; '' when it is not a time.
 */
export function parseTime (raw) {
  const t = String(raw || '').trim().toLowerCase().replace(/\s+/g, '')
  if (t === 'noon' || t === 'midday' || t === '12noon') return '12:00'
  if (t === 'midnight') return '00:00'
  const m = /^(\d{1,2})(?:[:.]?(\d{2}))?(am|pm|a\.m\.|p\.m\.)?$/.exec(t)
  if (!m) return ''
  let h = Number(m[1])
  const min = m[2] === undefined ? 0 : Number(m[2])
  const half = m[3] ? m[3][0] : ''
  if (min > 59) return ''
  if (half) {
    if (h < 1 || h > 12) return ''
    if (half === 'p' && h !== 12) h += 12
    if (half === 'a' && h === 12) h = 0
  } else if (h > 23 || (m[2] === undefined && !/^\d{1,2}$/.test(t))) {
    return ''
  }
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`
}

function victimBlock (i, v, e) {
  const id = (k) => `victim-${i}-${k}`
  return html`<div class="govuk-form-group app-repeat" id="victim-${i}">
    <fieldset class="govuk-fieldset">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s"><h3 class="govuk-fieldset__heading">Victim ${i + 1}</h3></legend>
      ${input({ id: id('name'), label: 'Name (optional if you give details)', labelSize: '', error: e[id('name')], value: v[id('name')], autocomplete: 'off', spellcheck: false })}
      ${input({ id: id('relationship'), label: 'Relationship to the person (optional)', labelSize: '', hint: 'For example, former partner', error: e[id('relationship')], value: v[id('relationship')] })}
      ${checkboxes({ id: id('child'), legend: 'Age', legendSize: '', small: true, error: e[id('child')], items: [{ name: id('child'), text: 'The victim is a child', checked: v[id('child')] === 'true' }] })}
      ${textarea({ id: id('details'), name: id('details'), label: 'Details (optional if you give a name)', labelSize: '', error: e[id('details')], value: v[id('details')] || '', rows: 2 })}
      ${button(`Remove victim ${i + 1}`, { secondary: true, type: 'button', attrs: `data-remove="victims" data-index="${i}"` })}
    </fieldset>
  </div>`
}

function childBlock (i, v, e) {
  const id = (k) => `child-${i}-${k}`
  return html`<div class="govuk-form-group app-repeat" id="child-${i}">
    <fieldset class="govuk-fieldset">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s"><h3 class="govuk-fieldset__heading">Child ${i + 1}</h3></legend>
      ${input({ id: id('given-names'), label: 'Given names', labelSize: '', error: e[id('given-names')], value: v[id('given-names')], autocomplete: 'off', spellcheck: false })}
      ${input({ id: id('family-name'), label: 'Family name', labelSize: '', error: e[id('family-name')], value: v[id('family-name')], autocomplete: 'off', spellcheck: false })}
      ${dateInput({ id: id('dob'), legend: 'Date of birth', legendSize: '', hint: 'For example, 2 5 2016', error: e[id('dob')], errorParts: e[`${id('dob')}:parts`], value: dateValue(v, id('dob')) })}
      ${input({ id: id('school'), label: 'School (optional)', labelSize: '', error: e[id('school')], value: v[id('school')] })}
      ${radios({ id: id('open'), name: id('open'), legend: 'Is the child open to children’s social care?', legendSize: 's', inline: true, error: e[id('open')], value: v[id('open')], items: [{ value: 'yes', text: 'Yes' }, { value: 'no', text: 'No' }] })}
      ${input({ id: id('worker'), label: 'Allocated social worker (optional)', labelSize: '', error: e[id('worker')], value: v[id('worker')], autocomplete: 'off' })}
      ${button(`Remove child ${i + 1}`, { secondary: true, type: 'button', attrs: `data-remove="children" data-index="${i}"` })}
    </fieldset>
  </div>`
}

/** Removes repeated group `prefix-i-*` from values, moving later ones up. */
function removeRepeat (v, prefix, i, count) {
  const out = {}
  const re = new RegExp(`^${prefix}-(\\d+)-(.*)$`)
  for (const [k, val] of Object.entries(v)) {
    const m = re.exec(k)
    if (!m) { out[k] = val; continue }
    const n = Number(m[1])
    if (n < i) out[k] = val
    else if (n > i && n < count) out[`${prefix}-${n - 1}-${m[2]}`] = val
  }
  return out
}

/** Wires the add and remove buttons of the victims and children. */
function wireRepeats (form, state, values, redraw) {
  const prefixes = { victims: 'victim', children: 'child' }
  form.querySelectorAll('[data-add]').forEach((b) => b.addEventListener('click', () => {
    const group = b.dataset.add
    const n = state[group] || 0
    redraw({ ...state, values: values(), [group]: n + 1, messages: {}, summary: [] }, `${prefixes[group]}-${n}-${group === 'victims' ? 'name' : 'given-names'}`)
  }))
  form.querySelectorAll('[data-remove]').forEach((b) => b.addEventListener('click', () => {
    const group = b.dataset.remove
    const i = Number(b.dataset.index)
    const n = state[group] || 0
    const next = removeRepeat(values(), prefixes[group], i, n)
    redraw({ ...state, values: next, [group]: n - 1, messages: {}, summary: [] }, n - 1 > 0 ? `${prefixes[group]}-${Math.max(0, i - 1)}-${group === 'victims' ? 'name' : 'given-names'}` : group)
  }))
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

        <h2 class="govuk-heading-m" id="victims">Victims</h2>
        <p class="govuk-body">Victims of the index offence and other people at risk, as the referral names them.</p>
        <input type="hidden" name="_victims" value="${state.victims || 0}">
        ${Array.from({ length: state.victims || 0 }, (_, i) => victimBlock(i, v, e))}
        ${(state.victims || 0) < 50 ? button((state.victims || 0) ? 'Add another victim' : 'Add a victim', { secondary: true, type: 'button', attrs: 'data-add="victims"' }) : ''}

        <h2 class="govuk-heading-m" id="children">Associated children</h2>
        <p class="govuk-body">Children who live with the person, are in contact with them or are victims. Children’s social care checks each one.</p>
        <input type="hidden" name="_children" value="${state.children || 0}">
        ${Array.from({ length: state.children || 0 }, (_, i) => childBlock(i, v, e))}
        ${(state.children || 0) < 50 ? button((state.children || 0) ? 'Add another child' : 'Add a child', { secondary: true, type: 'button', attrs: 'data-add="children"' }) : ''}

        <h2 class="govuk-heading-m">Referral</h2>
        ${textarea({ id: 'reason', name: 'reason', label: 'Reason for referral', error: err('reason'), value: v.reason || '', rows: 5 })}
        ${radios({ id: 'level-requested', name: 'level-requested', legend: 'Level of management requested', legendSize: 's', inline: true, error: err('level-requested'), value: v['level-requested'], items: [1, 2, 3].map((n) => ({ value: String(n), text: `Level ${n}` })) })}

        ${radios({
          id: 'has-meeting', name: 'has-meeting', legend: 'Did the referral come with an invitation to a MAPPA meeting?', legendSize: 'm', error: err('has-meeting'), value: v['has-meeting'] || 'no',
          items: [
            { value: 'yes', text: 'Yes', conditional: html`
              ${dateInput({ id: 'meeting-date', legend: 'Date of the meeting', hint: 'For example, 25 3 2027', error: err('meeting-date'), errorParts: e['meeting-date:parts'], value: dateValue(v, 'meeting-date') })}
              ${ri('meeting-time', 'Time', { hint: 'For example, 10am, 2:30pm or 14:30', width: '5', spellcheck: false })}
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
    // When the browser has found problems, the service is asked for the
    // rest without entering anything, so every error shows in one round.
    validate: (body) => api('/v1/staff/referrals?validate=only', { method: 'POST', body }),
    wire: wireRepeats,
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
  draw(ctx, { key: newIdempotencyKey(), values: {}, offences: 1, victims: 0, children: 0, messages: {}, summary: [], busy: false })
}

export const _test = { readReferral, fields, page, parseTime }
