// Reading the staff API's bodies by the names the OpenAPI document gives
// (GET /v1/openapi.json): a referral (GET /v1/staff/referrals/{id}), an item
// of the work list (GET /v1/staff/referrals), a case, an eligibility check.
// A missing field is "Not known", never an error; a field is never guessed
// under another name. frontend/tests/api-fields.test.mjs checks every name
// read here and in the pages against the document.

/** The first of keys (dotted paths allowed) that is present in obj. */
export function pick (obj, ...keys) {
  if (!obj || typeof obj !== 'object') return undefined
  for (const k of keys) {
    let v = obj
    for (const part of k.split('.')) {
      v = v && typeof v === 'object' ? v[part] : undefined
    }
    if (v !== undefined && v !== null && v !== '') return v
  }
  return undefined
}

/** A referral's id (a referral or a work-list item). */
export function referralId (r) {
  return pick(r, 'id')
}

/** What the agency sent: a referral's referral. */
export function referralOf (r) {
  return pick(r, 'referral') || {}
}

/** The person a referral is about. */
export function personOf (r) {
  return pick(r, 'referral.person') || {}
}

/** A work-list item's person, in words. */
export function personName (item) {
  const p = pick(item, 'person') || {}
  return [p.givenNames, p.familyName].filter(Boolean).join(' ') || undefined
}

/** The case a referral or work-list item belongs to (its id). */
export function caseRef (r) {
  return pick(r, 'caseId')
}

export function caseIdOf (r) {
  return pick(r, 'caseId')
}

/**
 * The classification, flattened. The staff API returns the documented
 * Classification (OpenAPI): { result: <eligibility Result>, levelSuggestion,
 * notice: { days, short, reasons }, asOf, classifiedAt }; the eligibility
 * check gives { result, levelSuggestion }. The result's fields come to the
 * top, beside levelSuggestion, notice, asOf and classifiedAt.
 */
export function classificationOf (r) {
  const c = r && typeof r === 'object' ? r.classification : undefined
  if (c && typeof c === 'object' && c.result && typeof c.result === 'object') {
    const { result, ...rest } = c
    return { ...result, ...rest }
  }
  return {}
}

/** The engine's level suggestion: { level, levelCode, reasons, missing }. */
export function levelSuggestionOf (r) {
  const s = pick(classificationOf(r), 'levelSuggestion')
  return s && typeof s === 'object' ? s : {}
}

/** A referral's or case's suggested level: its suggestedLevel, else the classification's. */
export function suggestedLevelOf (r) {
  return pick(r, 'suggestedLevel') ?? pick(levelSuggestionOf(r), 'level')
}

export function suggestedLevelReasons (r) {
  const reasons = pick(levelSuggestionOf(r), 'reasons') || []
  return Array.isArray(reasons) ? reasons : [reasons]
}

/** A referral's meeting invitation. */
export function meetingOf (r) {
  return pick(r, 'referral.meetingInvitation')
}

/** A work-list item's shortNotice (the server's one notice rule; a referral's is classification.notice). */
export function isShortNotice (item) {
  return pick(item, 'shortNotice') === true
}

/** Reasons as an array of { ruleId, explanation, source }. */
export function reasonsOf (c) {
  const rs = pick(c, 'reasons') || []
  return Array.isArray(rs) ? rs : []
}

export function basesOf (c) {
  const bs = pick(c, 'bases') || []
  return Array.isArray(bs) ? bs : [bs]
}
