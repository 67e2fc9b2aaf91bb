// Reading the staff API's referral views defensively: a missing field is
// "Not known", never an error. Field names follow shared/staffapi; a few
// alternatives are accepted so that a renamed field degrades gracefully.

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

export function referralId (r) {
  return pick(r, 'id', 'referralId', 'referral.id')
}

export function referralOf (r) {
  return pick(r, 'referral', 'body') || r
}

export function personOf (r) {
  return pick(r, 'person', 'referral.person', 'body.person') || {}
}

export function personName (r) {
  const direct = pick(r, 'personName', 'name')
  if (direct) return direct
  const p = personOf(r)
  return [p.givenNames, p.familyName].filter(Boolean).join(' ') || undefined
}

export function caseRef (r) {
  return pick(r, 'caseRef', 'caseReference', 'case.reference', 'case.ref', 'caseId', 'case.id')
}

export function caseIdOf (r) {
  return pick(r, 'caseId', 'case.id', 'case.caseId')
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
  const c = classificationOf(r)
  const s = pick(c, 'levelSuggestion') ?? pick(r, 'levelSuggestion')
  return s && typeof s === 'object' ? s : {}
}

export function suggestedLevelOf (r) {
  const s = pick(r, 'suggestedLevel') ?? pick(levelSuggestionOf(r), 'level') ?? pick(classificationOf(r), 'suggestedLevel')
  if (s && typeof s === 'object') return pick(s, 'level', 'suggested')
  return s
}

export function suggestedLevelReasons (r) {
  const reasons = pick(levelSuggestionOf(r), 'reasons') || []
  return Array.isArray(reasons) ? reasons : [reasons]
}

export function meetingOf (r) {
  return pick(r, 'meetingInvitation', 'meeting', 'referral.meetingInvitation', 'body.meetingInvitation')
}

/** The work list's shortNotice, or the classification's notice.short (the server's one notice rule). */
export function isShortNotice (r) {
  const v = pick(r, 'shortNotice') ?? pick(classificationOf(r), 'notice.short')
  return v === true
}

/** Reasons as an array of { ruleId, explanation, source }. */
export function reasonsOf (c) {
  const rs = pick(c, 'reasons', 'explanation', 'trace') || []
  return Array.isArray(rs) ? rs : []
}

export function basesOf (c) {
  const bs = pick(c, 'bases', 'basis', 'categories') || []
  return Array.isArray(bs) ? bs : [bs]
}
