// The eligibility facts as form questions (shared/eligibility Facts), used by
// "Enter a referral" (under /facts) and "Check eligibility" (at the root):
// the offences (one or more), the sentence, its key dates, the notification
// requirement and, behind "More facts", the dates, judgements and
// management facts fewer referrals carry.
//
// Every question has an id; factsFields() says which JSON pointers each
// answers, so problem+json errors land on the right question.

import { html, input, dateInput, select, radios, checkboxes, details, button } from '../html.mjs'
import { text, whole, checked, readDate, dateValue, formValues, mapProblems, dateProblems } from '../forms.mjs'
import { ApiError, SignedOut } from '../api.mjs'
import { offencePicker, enhanceOffencePickers } from '../offence-picker.mjs'

export const MAX_OFFENCES = 20

const DISPOSALS = [
  { value: 'conviction', text: 'Convicted' },
  { value: 'caution', text: 'Cautioned' },
  { value: 'not-guilty-insanity', text: 'Found not guilty by reason of insanity' },
  { value: 'unfit-to-plead-did-the-act', text: 'Found unfit to plead but to have done the act' }
]

const INCHOATE = [
  { value: '', text: 'The full offence' },
  { value: 'attempt', text: 'Attempt' },
  { value: 'conspiracy', text: 'Conspiracy' },
  { value: 'encouraging-or-assisting', text: 'Encouraging or assisting' },
  { value: 'aiding-abetting', text: 'Aiding and abetting' }
]

export const SENTENCE_TYPES = [
  { value: '', text: 'No sentence or order (for example, a caution)' },
  { value: 'imprisonment', text: 'Imprisonment' },
  { value: 'yoi-detention', text: 'Detention in a young offender institution' },
  { value: 'hmp-detention', text: 'Detention at His Majesty’s pleasure' },
  { value: 's250-detention', text: 'Detention for a serious offence (Sentencing Act 2020 s.250)' },
  { value: 'custody-for-life', text: 'Custody for life' },
  { value: 'extended', text: 'Extended sentence' },
  { value: 'ipp', text: 'Imprisonment or detention for public protection (IPP or DPP)' },
  { value: 'dto', text: 'Detention and training order' },
  { value: 'hospital-order', text: 'Hospital order' },
  { value: 'guardianship-order', text: 'Guardianship order' },
  { value: 'community-order', text: 'Community order' },
  { value: 'youth-rehabilitation-order', text: 'Youth rehabilitation order' },
  { value: 'referral-order', text: 'Referral order' },
  { value: 'fine', text: 'Fine' },
  { value: 'absolute-discharge', text: 'Absolute discharge' },
  { value: 'conditional-discharge', text: 'Conditional discharge' }
]

const ANSWERS = [{ value: 'yes', text: 'Yes' }, { value: 'no', text: 'No' }, { value: 'unknown', text: 'Not known' }]
const JUDGEMENTS = [{ value: 'yes', text: 'Yes' }, { value: 'no', text: 'No' }, { value: 'not-yet-recorded', text: 'Not yet recorded' }]
const JUDGEMENT_ITEMS = [{ value: '', text: 'Not raised' }, ...JUDGEMENTS]

export const RISK_LEVELS = [
  { value: 'low', text: 'Low' },
  { value: 'medium', text: 'Medium' },
  { value: 'high', text: 'High' },
  { value: 'very-high', text: 'Very high' }
]

// [name, pointer, label]
const DATE_FIELDS = [
  ['sentence-date', '/dates/sentenceDate', 'Sentence date'],
  ['release-date', '/dates/releaseDate', 'Release date'],
  ['licence-end-date', '/dates/licenceEndDate', 'Licence end date'],
  ['parole-date', '/dates/paroleEligibilityDate', 'Parole eligibility date'],
  ['order-end-date', '/dates/orderEndDate', 'Order end date']
]

const MANAGEMENT_FLAGS = [
  ['management-exceptional', 'exceptionalCoordination', 'The risk is lower than high but needs several agencies to co-ordinate'],
  ['management-stepping-down', 'steppingDownFromLevel3', 'The person is moving down from level 3'],
  ['management-senior', 'seniorRepresentation', 'Senior representation is needed to commit resources or direct the plan'],
  ['management-resources', 'significantResources', 'Significant resources may be needed at short notice'],
  ['management-media', 'mediaScrutiny', 'There is, or may be, media scrutiny or public interest']
]

const CAT3 = [
  ['cat3-current-risk', 'currentRiskOfSeriousHarm', 'By reason of their offences (wherever committed), the person may cause serious harm to the public'],
  ['cat3-needs-level', 'needsLevel2Or3Management', 'That risk needs active multi-agency management at level 2 or 3'],
  ['cat3-capability', 'seriousHarmCapability', 'Guidance “capability” test: the offending shows the person can cause serious harm (recorded, not required)'],
  ['cat3-link', 'linkToCurrentRisk', 'Guidance “link” test: the offending links to the current risk (recorded, not required)']
]

const WHERE = [
  { value: 'england-and-wales', text: 'England and Wales' },
  { value: 'scotland', text: 'Scotland' },
  { value: 'northern-ireland', text: 'Northern Ireland' },
  { value: 'elsewhere', text: 'Somewhere else' }
]

/** The questions and the pointers (under base) each answers, in page order. */
export function factsFields (base, offences, { withBirth = true } = {}) {
  const f = []
  const add = (id, pointers, label, required, date = false) => f.push({ id, pointers: pointers.map((p) => base + p), label, required, href: date ? `#${id}-day` : `#${id}`, date })
  if (withBirth) {
    add('dob', ['/dateOfBirth'], 'Date of birth', null, true)
    add('age-at-conviction', ['/ageAtConviction'], 'Age at conviction')
  }
  add('offences', ['/offences'], 'Offences')
  for (let i = 0; i < offences; i++) {
    const o = `/offences/${i}`
    const n = `Offence ${i + 1}`
    add(`offence-${i}-code`, [o, `${o}/code`], `${n}:`, `Enter the code, statute or description of offence ${i + 1}`)
    f[f.length - 1].requiredIf = /^give the offence/
    add(`offence-${i}-statute`, [`${o}/statute`], `${n} statute`)
    add(`offence-${i}-description`, [`${o}/description`], `${n} description`)
    add(`offence-${i}-inchoate`, [`${o}/inchoate`], `${n} form`)
    add(`offence-${i}-disposal`, [`${o}/disposal`], `${n}: how it was dealt with`, `Select how offence ${i + 1} was dealt with`)
    add(`offence-${i}-date`, [`${o}/date`], `${n} date`, null, true)
    add(`offence-${i}-where`, [`${o}/where`, `${o}/outsideEnglandAndWales`], `${n}: where`)
    add(`offence-${i}-country`, [`${o}/country`], `${n}: country`)
    add(`offence-${i}-victim`, [`${o}/victimUnder18`], `${n}: victim under 18`)
    add(`offence-${i}-sentence-type`, [`${o}/sentence/type`, `${o}/sentence`], `${n}: its own sentence`)
    add(`offence-${i}-sentence-months`, [`${o}/sentence/lengthMonths`, `${o}/sentence/lengthWeeks`, `${o}/sentence/lengthDays`], `${n}: length in months`)
    add(`offence-${i}-runs`, [`${o}/sentence/runs`], `${n}: concurrent or consecutive`)
    add(`offence-${i}-pre1997`, [`${o}/subjectOn1September1997`], `${n}: on 1 September 1997`)
  }
  add('sentence-type', ['/sentence/type', '/sentence'], 'Sentence or order', 'Select the sentence or order')
  add('sentence-months', ['/sentence/lengthMonths'], 'Length in months')
  add('sentence-weeks', ['/sentence/lengthWeeks'], 'Length in weeks')
  add('sentence-days', ['/sentence/lengthDays'], 'Length in days')
  add('sentence-extension', ['/sentence/extensionMonths'], 'Extension period in months')
  add('sentence-suspended', ['/sentence/suspended', '/sentence/life', '/sentence/restrictionOrder'], 'Sentence')
  for (const [id, p, label] of DATE_FIELDS.slice(0, 3)) add(id, [p], label, null, true)
  add('notification-status', ['/notification/status', '/notification'], 'Notification requirement')
  add('notification-end-date', ['/notification/endDate'], 'Notification end date', null, true)
  add('notification-indefinite', ['/notification/indefinite'], 'Indefinite notification')
  if (withBirth) add('current-risk', ['/currentRisk'], 'Highest current risk of serious harm')
  for (const [id, p, label] of DATE_FIELDS.slice(3)) add(id, [p], label, null, true)
  add('cta-notification', ['/terrorism/ctaNotification', '/terrorism'], 'Counter-Terrorism Act notification')
  add('cta-end-date', ['/terrorism/ctaNotificationEndDate'], 'Counter-Terrorism Act notification end date', null, true)
  add('terrorism-offence', ['/terrorism/terrorismOffence', '/terrorism/terroristConnection'], 'Terrorism')
  add('ra-at-risk', ['/terrorism/raConsidersAtRisk'], 'Risk of involvement in terrorism')
  for (const [id, key, label] of CAT3) add(id, [`/category3/${key}`], label)
  add('cat3-current-risk', ['/category3'], 'Category 3')
  add('contact-children', ['/contactWithChildren'], 'Contact with children')
  add('previous-category', ['/previousManagement/category', '/previousManagement'], 'Previous MAPPA category')
  add('previous-level', ['/previousManagement/level'], 'Previous MAPPA level')
  add('previous-ended', ['/previousManagement/ended'], 'Previous MAPPA management ended', null, true)
  add('meetings-add-value', ['/management/meetingsAddValue', '/management'], 'Multi-agency meetings would add value')
  add('management-exceptional', MANAGEMENT_FLAGS.map(([, k]) => `/management/${k}`), 'Level of management')
  add('disqualified', ['/disqualifiedFromWorkingWithChildren'], 'Disqualified from working with children')
  return f
}

const MORE_IDS = /^(parole-date|order-end-date|cta-|terrorism-|ra-at-risk|cat3-|disqualified|contact-children|previous-)/

function offenceBlock (i, count, v, e) {
  const id = (k) => `offence-${i}-${k}`
  return html`<div class="govuk-form-group app-repeat" id="offence-${i}">
    <fieldset class="govuk-fieldset">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s"><h3 class="govuk-fieldset__heading">Offence ${i + 1}</h3></legend>
      ${offencePicker(i, v, e[id('code')])}
      ${input({ id: id('statute'), label: 'Statute and section, if the offence is not in the list (optional)', labelSize: '', hint: 'For example, Criminal Damage Act 1971 s.1', error: e[id('statute')], value: v[id('statute')] })}
      ${input({ id: id('description'), label: 'Description (optional)', labelSize: '', hint: 'In words, for example wounding with intent. For a conviction abroad, the description and the country are enough.', error: e[id('description')], value: v[id('description')] })}
      ${select({ id: id('inchoate'), label: 'Form of the offence', labelSize: '', error: e[id('inchoate')], value: v[id('inchoate')] || '', items: INCHOATE })}
      ${radios({ id: id('disposal'), name: id('disposal'), legend: 'How was the offence dealt with?', legendSize: 's', error: e[id('disposal')], value: v[id('disposal')], items: DISPOSALS })}
      ${dateInput({ id: id('date'), legend: 'Date of conviction, caution or finding', legendSize: '', hint: 'For example, 20 1 2025', error: e[id('date')], errorParts: e[`${id('date')}:parts`], value: dateValue(v, id('date')) })}
      ${radios({ id: id('where'), name: id('where'), legend: 'Where was the person convicted, cautioned or found?', legendSize: 's', small: true, error: e[id('where')], value: v[id('where')] || (checked(v, id('outside')) ? 'elsewhere' : 'england-and-wales'),
        items: WHERE.map((w) => w.value === 'elsewhere' ? { ...w, conditional: input({ id: id('country'), label: 'Country', labelSize: '', hint: 'A conviction or caution abroad needs only its description and the country.', error: e[id('country')], value: v[id('country')] }) } : w) })}
      ${radios({ id: id('victim'), name: id('victim'), legend: 'Was the offence against a child (under 18)?', legendSize: 's', small: true, inline: true, error: e[id('victim')], value: v[id('victim')], items: ANSWERS })}
      ${details({
        id: id('more'),
        summary: 'Its own sentence, or a conviction before September 1997 (optional)',
        open: ['sentence-type', 'sentence-months', 'runs', 'pre1997'].some((k) => v[id(k)] || e[id(k)]),
        body: html`
          ${select({ id: id('sentence-type'), label: 'Its own sentence or order, if the offences were sentenced differently', labelSize: '', hint: 'Leave it blank if the sentence below is for every offence.', error: e[id('sentence-type')], value: v[id('sentence-type')] || '', items: [{ value: '', text: 'The sentence below' }, ...SENTENCE_TYPES.slice(1)] })}
          ${input({ id: id('sentence-months'), label: 'Its length in months', labelSize: '', error: e[id('sentence-months')], value: v[id('sentence-months')], width: '3', inputmode: 'numeric' })}
          ${radios({ id: id('runs'), name: id('runs'), legend: 'How does it run with the other sentences passed at the same time?', legendSize: 's', inline: true, error: e[id('runs')], value: v[id('runs')], items: [{ value: 'concurrent', text: 'Concurrently' }, { value: 'consecutive', text: 'Consecutively' }] })}
          ${radios({ id: id('pre1997'), name: id('pre1997'), legend: 'Only for a conviction or finding before 1 September 1997: on that day, was the person still being dealt with for it, serving the sentence or a community order, supervised after release, or in hospital or under guardianship for it?', legendSize: 's', error: e[id('pre1997')], value: v[id('pre1997')], items: ANSWERS })}`
      })}
      ${count > 1 ? button(`Remove offence ${i + 1}`, { secondary: true, type: 'button', attrs: `data-remove-offence="${i}"` }) : ''}
    </fieldset>
  </div>`
}

/**
 * The facts questions. v: form values; e: messages by field id (and
 * `${id}:parts` for date parts); offences: how many offence blocks.
 * mode 'check' asks for the date of birth and the overall risk here; a
 * referral takes them from the person and the risk questions.
 */
export function factsQuestions ({ v, e, offences, mode }) {
  const check = mode === 'check'
  const err = (id) => e[id]
  const moreOpen = Object.keys(e).some((k) => MORE_IDS.test(k)) ||
    Object.entries(v).some(([k, val]) => MORE_IDS.test(k) && val && val !== '')
  const sentenceFlags = [
    { name: 'sentence-suspended', text: 'Suspended sentence', checked: checked(v, 'sentence-suspended') },
    { name: 'sentence-life', text: 'Life sentence', checked: checked(v, 'sentence-life') },
    { name: 'sentence-restriction', text: 'Hospital order with a restriction order (Mental Health Act 1983 s.41)', checked: checked(v, 'sentence-restriction') }
  ]
  return html`
    ${check ? html`
      ${dateInput({ id: 'dob', legend: 'Date of birth', legendSize: 'm', hint: 'For example, 14 3 1988. It decides ages on the dates of convictions and cautions.', error: err('dob'), errorParts: e['dob:parts'], value: dateValue(v, 'dob') })}
      ${input({ id: 'age-at-conviction', label: 'Age at conviction (if the date of birth is not known)', labelSize: 's', error: err('age-at-conviction'), value: v['age-at-conviction'], width: '3', inputmode: 'numeric' })}` : ''}
    <h2 class="govuk-heading-m" id="offences">Offences</h2>
    <p class="govuk-body">Give the index offence and any earlier convictions, cautions or findings that matter.</p>
    ${err('offences') ? html`<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${err('offences')}</p>` : ''}
    ${Array.from({ length: offences }, (_, i) => offenceBlock(i, offences, v, e))}
    ${offences < MAX_OFFENCES ? button('Add another offence', { secondary: true, type: 'button', attrs: 'data-add-offence="true"' }) : ''}

    <h2 class="govuk-heading-m">Sentence</h2>
    ${select({ id: 'sentence-type', label: 'Sentence or order', labelSize: 's', error: err('sentence-type'), value: v['sentence-type'] || '', items: SENTENCE_TYPES })}
    <div class="govuk-form-group${err('sentence-months') || err('sentence-weeks') || err('sentence-days') ? ' govuk-form-group--error' : ''}">
      <fieldset class="govuk-fieldset" role="group" aria-describedby="sentence-length-hint${['sentence-months', 'sentence-weeks', 'sentence-days'].filter(err).map((id) => ` ${id}-error`).join('')}">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Length of the sentence or order</legend>
        <div id="sentence-length-hint" class="govuk-hint">The custodial term of an extended sentence. The parts add up: 1 year and 6 weeks is 12 months and 6 weeks.</div>
        ${['sentence-months', 'sentence-weeks', 'sentence-days'].filter(err).map((id) => html`<p id="${id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${err(id)}</p>`)}
        <div class="govuk-date-input">
          ${[['sentence-months', 'Months'], ['sentence-weeks', 'Weeks'], ['sentence-days', 'Days']].map(([id, label]) => html`<div class="govuk-date-input__item">
            <div class="govuk-form-group">
              <label class="govuk-label govuk-date-input__label" for="${id}">${label}</label>
              <input class="govuk-input govuk-date-input__input govuk-input--width-3${err(id) ? ' govuk-input--error' : ''}" id="${id}" name="${id}" type="text" inputmode="numeric" value="${v[id] ?? ''}">
            </div>
          </div>`)}
        </div>
      </fieldset>
    </div>
    ${input({ id: 'sentence-extension', label: 'For an extended sentence, its extension period in months (optional)', labelSize: 's', hint: 'The further period on licence. The notification period follows the whole term: the custodial term and the extension period together.', error: err('sentence-extension'), value: v['sentence-extension'], width: '3', inputmode: 'numeric' })}
    ${checkboxes({ id: 'sentence-suspended', legend: 'About the sentence', legendSize: 's', small: true, error: err('sentence-suspended'), items: sentenceFlags })}

    <h2 class="govuk-heading-m">Key dates</h2>
    ${DATE_FIELDS.slice(0, 3).map(([id, , label]) => dateInput({ id, legend: label, hint: id === 'licence-end-date' ? 'Leave it blank for a life licence or if it is not known.' : 'For example, 20 1 2025', error: err(id), errorParts: e[`${id}:parts`], value: dateValue(v, id) }))}

    ${radios({
      id: 'notification-status', name: 'notification-status', legend: 'Is the person subject to the sex offender notification requirements?', legendSize: 'm',
      hint: 'Sexual Offences Act 2003 Part 2 (“the register”): now or in the past.', error: err('notification-status'), value: v['notification-status'],
      items: ANSWERS.map((a) => a.value === 'yes'
        ? { ...a, conditional: html`
          ${dateInput({ id: 'notification-end-date', legend: 'When does the notification period end? (optional)', hint: 'As the police give it. Leave it blank if it is indefinite or not known.', error: err('notification-end-date'), errorParts: e['notification-end-date:parts'], value: dateValue(v, 'notification-end-date') })}
          ${checkboxes({ id: 'notification-indefinite', legend: 'Indefinite', legendSize: '', small: true, error: err('notification-indefinite'), items: [{ name: 'notification-indefinite', text: 'The police say the period is indefinite', checked: checked(v, 'notification-indefinite') }] })}` }
        : a)
    })}
    ${check ? radios({ id: 'current-risk', name: 'current-risk', legend: 'Highest current risk of serious harm (optional)', legendSize: 'm', hint: 'From OASys. It helps suggest a level of management.', error: err('current-risk'), value: v['current-risk'], items: RISK_LEVELS }) : ''}

    <h2 class="govuk-heading-m" id="level-questions">Level of management</h2>
    <p class="govuk-body">These answers and the highest risk of serious harm decide the level the rules suggest.</p>
    ${radios({ id: 'meetings-add-value', name: 'meetings-add-value', legend: 'Would multi-agency meetings add value to managing the risk?', legendSize: 's', inline: true, error: err('meetings-add-value'), value: v['meetings-add-value'] || '', items: JUDGEMENTS })}
    ${checkboxes({ id: 'management-exceptional', legend: 'Does any of these apply?', legendSize: 's', hint: 'Select all that apply.', small: true, error: err('management-exceptional'), items: MANAGEMENT_FLAGS.map(([name, , t]) => ({ name, text: t, checked: checked(v, name) })) })}

    ${details({
      id: 'more-facts',
      summary: 'More facts: parole, orders, terrorism and Category 3 (optional)',
      open: moreOpen,
      body: html`
        ${DATE_FIELDS.slice(3).map(([id, , label]) => dateInput({ id, legend: label, hint: id === 'order-end-date' ? 'When a hospital, guardianship, suspended sentence, detention and training or community order ends.' : 'For example, 1 6 2027', error: err(id), errorParts: e[`${id}:parts`], value: dateValue(v, id) }))}
        <h3 class="govuk-heading-s">Terrorism (Category 4)</h3>
        ${radios({ id: 'cta-notification', name: 'cta-notification', legend: 'Subject to the Counter-Terrorism Act 2008 Part 4 notification requirements?', legendSize: 's', error: err('cta-notification'), value: v['cta-notification'], items: ANSWERS.map((a) => a.value === 'yes' ? { ...a, conditional: dateInput({ id: 'cta-end-date', legend: 'When does it end? (optional)', error: err('cta-end-date'), errorParts: e['cta-end-date:parts'], value: dateValue(v, 'cta-end-date') }) } : a) })}
        ${checkboxes({ id: 'terrorism-offence', legend: 'Terrorism offences', legendSize: '', small: true, error: err('terrorism-offence'), items: [
          { name: 'terrorism-offence', text: 'Convicted of a terrorism offence (Criminal Justice Act 2003 Schedule 19ZA)', checked: checked(v, 'terrorism-offence') },
          { name: 'terrorist-connection', text: 'The court found a terrorist connection (Sentencing Act 2020 s.69, or Counter-Terrorism Act 2008 ss.30-32 before it)', checked: checked(v, 'terrorist-connection') }
        ] })}
        ${select({ id: 'ra-at-risk', label: 'Does the responsible authority consider the person at risk of involvement in terrorism-related activity?', labelSize: '', error: err('ra-at-risk'), value: v['ra-at-risk'] || '', items: JUDGEMENT_ITEMS })}
        <h3 class="govuk-heading-s">Category 3: the responsible authority’s judgements</h3>
        ${CAT3.map(([id, , label]) => select({ id, label, labelSize: '', error: err(id), value: v[id] || '', items: JUDGEMENT_ITEMS }))}
        <h3 class="govuk-heading-s">Children</h3>
        ${radios({ id: 'contact-children', name: 'contact-children', legend: 'Does the person have contact with children?', legendSize: 's', inline: true, hint: 'Lives with, looks after or has access to children. If the person is not a MAPPA offender, this names the Persons Posing a Risk to Children route.', error: err('contact-children'), value: v['contact-children'], items: ANSWERS })}
        <h3 class="govuk-heading-s">Previous MAPPA management</h3>
        ${select({ id: 'previous-category', label: 'Category when last managed under MAPPA', labelSize: '', error: err('previous-category'), value: v['previous-category'] || '', items: [{ value: '', text: 'Not managed before, or not known' }, ...[1, 2, 3, 4].map((n) => ({ value: String(n), text: `Category ${n}` }))] })}
        ${select({ id: 'previous-level', label: 'Level then', labelSize: '', error: err('previous-level'), value: v['previous-level'] || '', items: [{ value: '', text: 'Not known' }, ...[1, 2, 3].map((n) => ({ value: String(n), text: `Level ${n}` }))] })}
        ${dateInput({ id: 'previous-ended', legend: 'When that management ended (optional)', error: err('previous-ended'), errorParts: e['previous-ended:parts'], value: dateValue(v, 'previous-ended') })}
        ${checkboxes({ id: 'disqualified', legend: 'Other', legendSize: '', small: true, error: err('disqualified'), items: [{ name: 'disqualified', text: 'Disqualified from working with children (not a route into MAPPA since December 2012)', checked: checked(v, 'disqualified') }] })}`
    })}`
}

/**
 * The facts JSON from the form's values, and the date inputs that are not
 * real dates ({ id: { error, parts } }). overrides: facts the page supplies
 * (a referral's date of birth and highest risk).
 */
export function readFacts (v, offences, { mode, overrides = {} } = {}) {
  const dateErrors = {}
  const date = (id, label) => {
    const r = readDate(v, id, label)
    if (r.error) dateErrors[id] = r
    return r.iso
  }
  const facts = {}
  if (mode === 'check') {
    const dob = date('dob', 'Date of birth')
    if (dob) facts.dateOfBirth = dob
    const age = whole(v, 'age-at-conviction')
    if (age !== undefined) facts.ageAtConviction = age
    const risk = text(v, 'current-risk')
    if (risk) facts.currentRisk = risk
  }
  Object.assign(facts, overrides)

  facts.offences = []
  for (let i = 0; i < offences; i++) {
    const k = (n) => `offence-${i}-${n}`
    const o = {}
    for (const n of ['code', 'statute', 'description']) { const t = text(v, k(n)); if (t) o[n] = t }
    if (o.code) o.code = o.code.toUpperCase()
    // What was typed but not chosen from the list is never sent as a
    // code: it goes as the statute reference or the description, for the
    // engine to match.
    const typed = text(v, k('search'))
    if (!o.code && typed) {
      if (!o.statute && /\b(s|ss|section)\.?\s*\d/i.test(typed)) o.statute = typed
      else if (!o.description) o.description = typed
    }
    const inch = text(v, k('inchoate'))
    if (inch) o.inchoate = inch
    const disposal = text(v, k('disposal'))
    if (disposal) o.disposal = disposal
    const d = date(k('date'), `Offence ${i + 1} date`)
    if (d) o.date = d
    const where = text(v, k('where')) || (checked(v, k('outside')) ? 'elsewhere' : undefined)
    if (where && where !== 'england-and-wales') o.where = where
    if (where === 'elsewhere') { const c = text(v, k('country')); if (c) o.country = c }
    const victim = text(v, k('victim'))
    if (victim) o.victimUnder18 = victim
    const ownType = text(v, k('sentence-type'))
    const ownMonths = whole(v, k('sentence-months'))
    const runs = text(v, k('runs'))
    if (ownType || ownMonths !== undefined || runs) {
      const os = {}
      if (ownType) os.type = ownType
      if (ownMonths !== undefined) os.lengthMonths = ownMonths
      if (runs) os.runs = runs
      o.sentence = os
    }
    const pre = text(v, k('pre1997'))
    if (pre) o.subjectOn1September1997 = pre
    facts.offences.push(o)
  }

  const type = text(v, 'sentence-type')
  const lengths = { lengthMonths: whole(v, 'sentence-months'), lengthWeeks: whole(v, 'sentence-weeks'), lengthDays: whole(v, 'sentence-days') }
  const flags = { suspended: checked(v, 'sentence-suspended'), life: checked(v, 'sentence-life'), restrictionOrder: checked(v, 'sentence-restriction') }
  const extension = whole(v, 'sentence-extension')
  if (type || Object.values(lengths).some((x) => x !== undefined) || extension !== undefined || Object.values(flags).some(Boolean)) {
    const s = {}
    if (type) s.type = type
    for (const [key, val] of Object.entries(lengths)) if (val !== undefined) s[key] = val
    if (extension !== undefined) s.extensionMonths = extension
    for (const [key, val] of Object.entries(flags)) if (val) s[key] = true
    facts.sentence = s
  }

  const dates = {}
  for (const [id, p, label] of DATE_FIELDS) {
    const d = date(id, label)
    if (d) dates[p.split('/').pop()] = d
  }
  if (Object.keys(dates).length) facts.dates = dates

  const ns = text(v, 'notification-status')
  if (ns) {
    const n = { status: ns }
    if (ns === 'yes') {
      const end = date('notification-end-date', 'Notification end date')
      if (end) n.endDate = end
      if (checked(v, 'notification-indefinite')) n.indefinite = true
    }
    facts.notification = n
  }

  const t = {}
  const cta = text(v, 'cta-notification')
  if (cta) {
    t.ctaNotification = cta
    if (cta === 'yes') { const end = date('cta-end-date', 'Counter-Terrorism Act notification end date'); if (end) t.ctaNotificationEndDate = end }
  }
  if (checked(v, 'terrorism-offence')) t.terrorismOffence = true
  if (checked(v, 'terrorist-connection')) t.terroristConnection = true
  const ra = text(v, 'ra-at-risk')
  if (ra) t.raConsidersAtRisk = ra
  if (Object.keys(t).length) facts.terrorism = t

  const c3 = {}
  for (const [id, key] of CAT3) { const j = text(v, id); if (j) c3[key] = j }
  if (Object.keys(c3).length) facts.category3 = c3

  const m = {}
  const mav = text(v, 'meetings-add-value')
  if (mav) m.meetingsAddValue = mav
  for (const [name, key] of MANAGEMENT_FLAGS) if (checked(v, name)) m[key] = true
  if (Object.keys(m).length) facts.management = m
  if (checked(v, 'disqualified')) facts.disqualifiedFromWorkingWithChildren = true
  const contact = text(v, 'contact-children')
  if (contact) facts.contactWithChildren = contact
  const prevCat = text(v, 'previous-category')
  if (prevCat) {
    const p = { category: Number(prevCat) }
    const lvl = text(v, 'previous-level')
    if (lvl) p.level = Number(lvl)
    const ended = date('previous-ended', 'Previous MAPPA management ended')
    if (ended) p.ended = ended
    facts.previousManagement = p
  }

  return { facts, dateErrors }
}

/** Removes offence i from the values, moving later offences up. */
export function removeOffence (v, i, count) {
  const out = {}
  for (const [k, val] of Object.entries(v)) {
    const m = /^offence-(\d+)-(.*)$/.exec(k)
    if (!m) { out[k] = val; continue }
    const n = Number(m[1])
    if (n < i) out[k] = val
    else if (n > i && n < count) out[`offence-${n - 1}-${m[2]}`] = val
  }
  return out
}

/** Wires the add/remove offence buttons: redraw(values, count, focusId). */
export function wireOffences (form, getValues, count, redraw) {
  form.querySelector('[data-add-offence]')?.addEventListener('click', () => {
    redraw(getValues(), Math.min(count + 1, MAX_OFFENCES), `offence-${count}-code`)
  })
  form.querySelectorAll('[data-remove-offence]').forEach((b) => b.addEventListener('click', () => {
    const i = Number(b.dataset.removeOffence)
    redraw(removeOffence(getValues(), i, count), count - 1, `offence-${Math.max(0, i - 1)}-code`)
  }))
}

// runFactsForm draws a page holding a facts form and handles its submit,
// the same way for every such form: impossible dates are caught in the
// browser and nothing is sent; one request at a time; a 400 or 422's
// problem+json errors are mapped to their questions; any other failure is
// one message in the error summary. spec:
//   title, formId           the page title and the form's id
//   page(state)             the page's HTML
//   read(values, offences)  -> { body, dateErrors }
//   fields(offences, values) the questions, for mapping errors to them
//   send(body, state)       -> the API's answer (throws ApiError)
//   done(result, next)      what to do with the answer; next is the state
//   failure(err)            -> a message for a failure that is not about a
//                           field, or undefined for the generic one
//   failed                  the generic message
export function runFactsForm (ctx, spec, state, { focusId } = {}) {
  const redraw = (next, opts) => runFactsForm(ctx, spec, next, opts)
  const hasErrors = state.summary && state.summary.length > 0
  if (!ctx.show(spec.title, spec.page(state), { error: hasErrors, focus: !focusId })) return
  const form = document.getElementById(spec.formId)
  if (focusId) document.getElementById(focusId)?.focus()
  const values = () => formValues(form)
  wireOffences(form, values, state.offences, (v, offences, focus) => redraw({ ...state, values: v, offences, messages: {}, summary: [] }, { focusId: focus }))
  enhanceOffencePickers(form)
  spec.wire?.(form, state, values, (next, focus) => redraw(next, { focusId: focus }))
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    if (state.busy) return
    const v = values()
    const { body, dateErrors, clientErrors = {} } = spec.read(v, state.offences)
    const allFields = spec.fields(state.offences, v)
    if (Object.keys(dateErrors).length || Object.keys(clientErrors).length) {
      // Every problem in one round: what the browser found, and what the
      // service finds in the rest (asked without saving anything).
      state.busy = true
      let server = { messages: {}, summary: [] }
      if (spec.validate) {
        try {
          await spec.validate(body, state)
        } catch (err) {
          if (err instanceof SignedOut) { state.busy = false; return }
          if (err instanceof ApiError && (err.status === 422 || err.status === 400) && err.fieldErrors.length) {
            server = mapProblems(err.fieldErrors, allFields)
          }
        }
      }
      state.busy = false
      const client = dateProblems(dateErrors, allFields)
      for (const [id, text] of Object.entries(clientErrors)) {
        client.messages[id] = text
        client.summary.push({ href: allFields.find((f) => f.id === id)?.href || `#${id}`, text })
      }
      redraw({ ...state, values: v, ...mergeProblems(client, server, allFields, dateErrors) })
      return
    }
    state.busy = true
    try {
      const result = await spec.send(body, state)
      spec.done(result, { ...state, values: v, messages: {}, summary: [], busy: false })
    } catch (err) {
      state.busy = false
      if (err instanceof SignedOut) return
      let shown
      if (err instanceof ApiError && (err.status === 422 || err.status === 400) && err.fieldErrors.length) {
        shown = mapProblems(err.fieldErrors, allFields)
      } else {
        const text = spec.failure?.(err)
        if (!text) console.error(err)
        shown = { messages: {}, summary: [{ href: null, text: text || spec.failed }] }
      }
      redraw({ ...state, values: v, ...shown })
    }
  })
}

/**
 * The browser's problems and the service's, one message per question (the
 * browser's first: it knows a date is impossible, the service only that it
 * is missing), the summary in page order.
 */
export function mergeProblems (client, server, fields, dateErrors = {}) {
  const messages = { ...server.messages, ...client.messages }
  for (const [id, r] of Object.entries(dateErrors)) messages[`${id}:parts`] = r.parts
  const order = (item) => {
    if (!item.href) return Number.MAX_SAFE_INTEGER
    const i = fields.findIndex((f) => f.href === item.href || `#${f.id}` === item.href || `#${f.id}` === item.href.replace(/-(day|month|year)$/, ''))
    return i < 0 ? Number.MAX_SAFE_INTEGER - 1 : i
  }
  const seen = new Set()
  const summary = []
  for (const item of [...client.summary, ...server.summary]) {
    const key = order(item)
    if (key < Number.MAX_SAFE_INTEGER - 1 && seen.has(key)) continue
    seen.add(key)
    summary.push({ ...item, key })
  }
  summary.sort((a, b) => a.key - b.key)
  return { messages, summary: summary.map(({ href, text }) => ({ href, text })) }
}
