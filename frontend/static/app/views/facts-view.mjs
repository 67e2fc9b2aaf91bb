// The facts of a referral as they were received, read-only: the person and
// other names, identifiers, offences, sentence, key dates, notification,
// terrorism and Category 3 judgements, the level-of-management answers,
// risk, victims, associated children, the meeting invitation and the
// referrer. The referral page and the case record both show them, so that
// anyone can check what the classification used.

import { html, summaryList, summaryCard, table, warningText, NOT_KNOWN } from '../html.mjs'
import { levelText, riskTag, agencyText, dateText, dateTimeText, shortNoticeTag, yesNo, listText } from '../format.mjs'
import { pick, referralOf, personOf, meetingOf } from '../model.mjs'
import { SENTENCE_TYPES } from './facts-form.mjs'

export function nameOf (p) {
  if (!p) return undefined
  return [p.givenNames, p.familyName].filter(Boolean).join(' ') || undefined
}

export function addressText (a) {
  if (!a) return undefined
  if (a.noFixedAbode) return listText(['No fixed abode', a.areaOfClosestLinks ? `Area of closest links: ${a.areaOfClosestLinks}` : null])
  const lines = [...(a.lines || []), a.town, a.postcode].filter(Boolean)
  return lines.length ? listText(lines) : undefined
}

function contactText (c) {
  if (!c) return undefined
  const parts = [c.name, c.role, c.email, c.phone].filter(Boolean)
  return parts.length ? listText(parts) : undefined
}

function genderText (g) {
  return g ? String(g).replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()) : undefined
}

const DISPOSALS = {
  conviction: 'Convicted',
  caution: 'Cautioned',
  'not-guilty-insanity': 'Not guilty by reason of insanity',
  'unfit-to-plead-did-the-act': 'Unfit to plead, did the act'
}
const INCHOATE = { attempt: 'Attempt', conspiracy: 'Conspiracy', 'encouraging-or-assisting': 'Encouraging or assisting', 'aiding-abetting': 'Aiding and abetting' }
const ANSWER = { yes: 'Yes', no: 'No', unknown: 'Not known', 'not-yet-recorded': 'Not yet recorded' }

export function sentenceText (s) {
  if (!s || typeof s !== 'object') return undefined
  const type = SENTENCE_TYPES.find((t) => t.value === s.type)
  const parts = []
  if (s.lengthMonths) parts.push(`${s.lengthMonths} ${s.lengthMonths === 1 ? 'month' : 'months'}`)
  if (s.lengthWeeks) parts.push(`${s.lengthWeeks} ${s.lengthWeeks === 1 ? 'week' : 'weeks'}`)
  if (s.lengthDays) parts.push(`${s.lengthDays} ${s.lengthDays === 1 ? 'day' : 'days'}`)
  const flags = [s.life ? 'life' : null, s.suspended ? 'suspended' : null, s.restrictionOrder ? 'with a restriction order' : null].filter(Boolean)
  const head = type ? type.text : (s.type || 'Sentence not given')
  return [head, parts.length ? parts.join(', ') : null, flags.length ? flags.join(', ') : null].filter(Boolean).join('; ')
}

function offenceTable (offences) {
  if (!Array.isArray(offences) || offences.length === 0) {
    return html`<p class="govuk-body" id="offences-received">No offences were given.</p>`
  }
  return html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
    id: 'offences-received',
    caption: 'Offences',
    captionSize: 's',
    head: ['Offence', 'Statute and section', 'How dealt with', 'Date'],
    rows: offences.map((o, i) => [
      html`${o.description || o.code || `Offence ${i + 1}`}${o.code && o.description ? html`<br><span class="govuk-body-s app-secondary">${o.code}</span>` : ''}${o.inchoate ? html`<br><span class="govuk-body-s">${INCHOATE[o.inchoate] || o.inchoate}</span>` : ''}`,
      o.statute,
      html`${DISPOSALS[o.disposal] || o.disposal || NOT_KNOWN}${o.outsideEnglandAndWales ? html`<br><span class="govuk-body-s">Outside England and Wales</span>` : ''}`,
      o.date ? dateText(o.date) : null
    ])
  })}</div>`
}

function factsList (f) {
  const d = f.dates || {}
  const n = f.notification || {}
  const t = f.terrorism || {}
  const c3 = f.category3 || {}
  const m = f.management || {}
  const flags = [
    m.exceptionalCoordination ? 'Lower risk that needs several agencies to co-ordinate' : null,
    m.steppingDownFromLevel3 ? 'Moving down from level 3' : null,
    m.seniorRepresentation ? 'Senior representation needed' : null,
    m.significantResources ? 'Significant resources may be needed at short notice' : null,
    m.mediaScrutiny ? 'Media scrutiny or public interest' : null
  ].filter(Boolean)
  const rows = [
    { key: 'Sentence or order', value: sentenceText(f.sentence) },
    { key: 'Sentence date', value: d.sentenceDate ? dateText(d.sentenceDate) : undefined },
    { key: 'Release date', value: d.releaseDate ? dateText(d.releaseDate) : undefined },
    { key: 'Licence end date', value: d.licenceEndDate ? dateText(d.licenceEndDate) : undefined },
    { key: 'Sex offender notification', value: n.status ? html`${ANSWER[n.status] || n.status}${n.endDate ? html`<br><span class="govuk-body-s">Ends ${dateText(n.endDate)}</span>` : ''}${n.indefinite ? html`<br><span class="govuk-body-s">Indefinite</span>` : ''}` : undefined }
  ]
  if (d.paroleEligibilityDate) rows.push({ key: 'Parole eligibility date', value: dateText(d.paroleEligibilityDate) })
  if (d.orderEndDate) rows.push({ key: 'Order end date', value: dateText(d.orderEndDate) })
  if (f.ageAtConviction !== undefined && f.ageAtConviction !== null) rows.push({ key: 'Age at conviction', value: String(f.ageAtConviction) })
  if (t.ctaNotification || t.terrorismOffence || t.terroristConnection || t.raConsidersAtRisk) {
    rows.push({
      key: 'Terrorism',
      value: listText([
        t.ctaNotification ? `Counter-Terrorism Act notification: ${ANSWER[t.ctaNotification] || t.ctaNotification}${t.ctaNotificationEndDate ? ` (ends ${dateText(t.ctaNotificationEndDate)})` : ''}` : null,
        t.terrorismOffence ? 'Convicted of a terrorism offence' : null,
        t.terroristConnection ? 'Terrorist connection found by the court' : null,
        t.raConsidersAtRisk ? `Responsible authority considers them at risk of involvement: ${ANSWER[t.raConsidersAtRisk] || t.raConsidersAtRisk}` : null
      ])
    })
  }
  if (Object.keys(c3).length) {
    rows.push({
      key: 'Category 3 judgements',
      value: listText([
        c3.seriousHarmCapability ? `Offending shows capability for serious harm: ${ANSWER[c3.seriousHarmCapability] || c3.seriousHarmCapability}` : null,
        c3.currentRiskOfSeriousHarm ? `Currently poses a risk of serious harm: ${ANSWER[c3.currentRiskOfSeriousHarm] || c3.currentRiskOfSeriousHarm}` : null,
        c3.needsLevel2Or3Management ? `Needs level 2 or 3 management: ${ANSWER[c3.needsLevel2Or3Management] || c3.needsLevel2Or3Management}` : null
      ])
    })
  }
  rows.push({ key: 'Multi-agency meetings would add value', value: m.meetingsAddValue ? (ANSWER[m.meetingsAddValue] || m.meetingsAddValue) : undefined })
  if (flags.length) rows.push({ key: 'About the level of management', value: listText(flags) })
  if (f.disqualifiedFromWorkingWithChildren) rows.push({ key: 'Disqualified from working with children', value: 'Yes' })
  return summaryList(rows)
}

function riskList (r) {
  return summaryList([
    { key: 'Risk to children', value: riskTag(r.children) || undefined },
    { key: 'Risk to the public', value: riskTag(r.public) || undefined },
    { key: 'Risk to a known adult', value: riskTag(r.knownAdult) || undefined },
    { key: 'Risk to staff', value: riskTag(r.staff) || undefined },
    { key: 'Who is at risk', value: r.toWhom }
  ])
}

export function victimsTable (victims) {
  if (!Array.isArray(victims) || victims.length === 0) return html`<p class="govuk-body" id="victims">No victims were given.</p>`
  return html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
    id: 'victims',
    caption: 'Victims and people at risk',
    captionSize: 's',
    head: ['Name', 'Relationship', 'A child', 'Details'],
    rows: victims.map((v) => [v.name || 'Name not given', v.relationship, v.isChild ? 'Yes' : 'No', v.details])
  })}</div>`
}

export function childrenTable (kids, { caption = 'Associated children' } = {}) {
  if (!Array.isArray(kids) || kids.length === 0) return html`<p class="govuk-body" id="children">No associated children were given.</p>`
  return html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
    id: 'children',
    caption,
    captionSize: 's',
    head: ['Name', 'Date of birth', 'School', 'Open to children’s social care', 'Allocated worker'],
    rows: kids.map((k) => [nameOf(k), k.dateOfBirth ? dateText(k.dateOfBirth) : null, k.school, yesNo(k.openToChildrensSocialCare), k.allocatedWorker ? k.allocatedWorker.name : null])
  })}</div>`
}

/** Whole days from calendar date a to b ("YYYY-MM-DD"). */
export function daysBetween (a, b) {
  const pa = Date.UTC(...a.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0)))
  const pb = Date.UTC(...b.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0)))
  return Math.round((pb - pa) / 86400000)
}

/** The calendar date of an instant in Europe/London ("YYYY-MM-DD"). */
export function londonDate (t) {
  if (!t) return null
  if (typeof t === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(t)) return t
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return null
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)
}

/** "in 8 days", "today", "tomorrow", "3 days ago". */
export function daysLeftText (days) {
  if (typeof days !== 'number') return ''
  if (days === 0) return 'today'
  if (days === 1) return 'tomorrow'
  if (days === -1) return 'yesterday'
  return days > 0 ? `in ${days} days` : `${-days} days ago`
}

function meetingList (view, notice) {
  const m = meetingOf(view)
  if (!m) return html`<p class="govuk-body" id="meeting-received">No meeting invitation came with this referral.</p>`
  return html`
    ${notice && notice.short ? warningText(html`Short notice: the meeting is ${typeof notice.days === 'number' ? html`${notice.days} ${notice.days === 1 ? 'day' : 'days'}` : 'less than 14 days'} after the invitation was received. Telephone the single point of contact.`) : ''}
    ${summaryList([
      { key: 'Date', value: m.date ? html`${dateText(m.date)}${notice && notice.short ? html` ${shortNoticeTag()}` : ''}` : undefined },
      { key: 'Time', value: m.time },
      { key: 'Place', value: m.place },
      { key: 'Online link', value: m.link },
      { key: 'Chair', value: m.chair },
      { key: 'Meeting', value: m.meetingType === 'initial' ? 'Initial meeting' : m.meetingType === 'review' ? 'Review meeting' : m.meetingType },
      { key: 'Notice given', value: notice && typeof notice.days === 'number' ? `${notice.days} ${notice.days === 1 ? 'day' : 'days'}` : undefined }
    ])}`
}

/**
 * Everything the agency sent, under one heading. notice: { days, short } of
 * the meeting invitation (or null).
 */
export function factsReceived (view, notice) {
  const ref = referralOf(view)
  const p = personOf(view)
  const ids = p.identifiers || {}
  const facts = pick(ref, 'facts') || {}
  const aliases = (p.aliases || []).map(nameOf).filter(Boolean)
  return html`<h2 class="govuk-heading-l" id="facts">Facts as received</h2>
    <p class="govuk-body">As the referring agency sent them${pick(view, 'source') === 'staff' ? ' (entered by a business support officer)' : ''}. The classification above used these facts.</p>
    ${summaryCard('Person referred', summaryList([
      { key: 'Name', value: nameOf(p) },
      { key: 'Other names', value: aliases.length ? listText(aliases) : 'None given' },
      { key: 'Date of birth', value: p.dateOfBirth ? dateText(p.dateOfBirth) : undefined },
      { key: 'Gender', value: genderText(p.gender) },
      { key: 'Ethnicity', value: p.ethnicity },
      { key: 'Address', value: addressText(pick(ref, 'address')) },
      { key: 'nDelius CRN', value: ids.crn },
      { key: 'PNC number', value: ids.pnc },
      { key: 'Council case number', value: ids.councilNumber }
    ]))}
    <h3 class="govuk-heading-m">Offending</h3>
    ${offenceTable(facts.offences)}
    ${factsList(facts)}
    <h3 class="govuk-heading-m">Risk of serious harm</h3>
    ${riskList(pick(ref, 'currentRisk') || {})}
    <h3 class="govuk-heading-m">Victims</h3>
    ${victimsTable(pick(ref, 'victims'))}
    <h3 class="govuk-heading-m">Children</h3>
    ${childrenTable(pick(ref, 'associatedChildren'))}
    <h3 class="govuk-heading-m">Meeting invitation</h3>
    ${meetingList(view, notice)}
    <h3 class="govuk-heading-m">Referral</h3>
    ${summaryList([
      { key: 'Received', value: dateTimeText(pick(view, 'receivedAt')) },
      { key: 'Referring agency', value: agencyText(pick(ref, 'referringAgency')) },
      { key: 'Lead agency', value: agencyText(pick(ref, 'leadAgency')) },
      { key: 'Referrer', value: contactText(pick(ref, 'referrer')) },
      { key: 'Agency reference', value: pick(ref, 'agencyReference') },
      { key: 'Level requested', value: pick(ref, 'levelRequested') ? levelText(pick(ref, 'levelRequested')) : undefined },
      { key: 'Reason for referral', value: pick(ref, 'reasonForReferral') ? html`<span class="app-pre-line">${pick(ref, 'reasonForReferral')}</span>` : undefined }
    ])}`
}
