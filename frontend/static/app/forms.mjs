// Form plumbing shared by the pages that post JSON: reading a form's values,
// GOV.UK date inputs, idempotency keys, and mapping problem+json
// errors[].pointer (RFC 6901) to the fields that supply them.

/** Every named control's value; checked checkboxes read "true". */
export function formValues (form) {
  const out = {}
  for (const [k, v] of new FormData(form)) out[k] = typeof v === 'string' ? v : ''
  return out
}

/** Trimmed text, or undefined when blank. */
export function text (values, name) {
  const v = values[name]
  if (typeof v !== 'string') return undefined
  const t = v.trim()
  return t === '' ? undefined : t
}

/** A whole number as a number; other text as it is (the API names the problem); blank is undefined. */
export function whole (values, name) {
  const t = text(values, name)
  if (t === undefined) return undefined
  return /^\d{1,6}$/.test(t) ? Number(t) : t
}

export function checked (values, name) {
  return values[name] === 'true'
}

/** A fresh Idempotency-Key: one per form load, reused by retries of the same submission. */
export function newIdempotencyKey () {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID()
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16))
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

const PARTS = ['day', 'month', 'year']

/**
 * Reads a GOV.UK date input (`${id}-day|month|year`). Returns { iso } for a
 * real date, {} when all three parts are blank, or { error, parts } with the
 * GOV.UK message for an incomplete or impossible date. label is lower-case
 * after the first word, as in "Date of birth".
 */
export function readDate (values, id, label) {
  const p = Object.fromEntries(PARTS.map((k) => [k, (values[`${id}-${k}`] || '').trim()]))
  const given = PARTS.filter((k) => p[k] !== '')
  if (given.length === 0) return {}
  const missing = PARTS.filter((k) => p[k] === '')
  if (missing.length) {
    return { error: `${label} must include a ${missing.join(' and a ')}`, parts: missing }
  }
  const bad = PARTS.filter((k) => !/^\d+$/.test(p[k]))
  if (bad.length) return { error: `${label} must be a real date`, parts: bad }
  if (p.year.length !== 4) return { error: 'Year must include 4 numbers', parts: ['year'] }
  const d = Number(p.day)
  const m = Number(p.month)
  const y = Number(p.year)
  const dt = new Date(Date.UTC(y, m - 1, d))
  if (m < 1 || m > 12 || d < 1 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) {
    return { error: `${label} must be a real date`, parts: m < 1 || m > 12 ? ['month'] : ['day'] }
  }
  return { iso: `${p.year}-${p.month.padStart(2, '0')}-${p.day.padStart(2, '0')}` }
}

/** "2029-05-31" -> { day: '31', month: '5', year: '2029' } (for pre-filling a date input). */
export function dateParts (iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '')
  return m ? { day: String(Number(m[3])), month: String(Number(m[2])), year: m[1] } : {}
}

/** The values of a date input from a form's values. */
export function dateValue (values, id) {
  return { day: values[`${id}-day`], month: values[`${id}-month`], year: values[`${id}-year`] }
}

function words (seg) {
  if (/^\d+$/.test(seg)) return String(Number(seg) + 1)
  return seg.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

/** A readable name for a pointer no field answers to: "/victims/0/name" -> "Victims 1 name". */
export function pointerLabel (pointer) {
  const segs = String(pointer || '').split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (segs.length === 0) return 'The form'
  const t = segs.map(words).join(' ')
  return t.charAt(0).toUpperCase() + t.slice(1)
}

/**
 * fields: [{ id, pointers: [..], label, required?, requiredIf?, href? }] in page order.
 * required is the message when the first pointer "is required" (or its
 * detail matches the requiredIf pattern); otherwise it reads "label detail".
 * A pointer with no field of its own goes to its nearest ancestor's field;
 * failing that it is listed in the summary without a link.
 *
 * Returns { messages: { id: text }, summary: [{ href, text }] } (summary in
 * page order, unlinked problems last).
 */
export function mapProblems (errors, fields) {
  const byPointer = new Map()
  fields.forEach((f, i) => (f.pointers || []).forEach((p) => { if (!byPointer.has(p)) byPointer.set(p, { f, i }) }))
  const messages = {}
  const linked = []
  const unlinked = []
  for (const e of errors || []) {
    const pointer = typeof e.pointer === 'string' ? e.pointer : ''
    const detail = String(e.detail || 'is not valid').trim()
    let hit = null
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
      if (byPointer.has(p)) { hit = byPointer.get(p); break }
      if (p === '' || p.lastIndexOf('/') < 0) break
    }
    if (!hit) {
      unlinked.push({ href: null, text: `${pointerLabel(pointer)} ${detail}` })
      continue
    }
    const { f, i } = hit
    const isMissing = /^is required\b/.test(detail) || Boolean(f.requiredIf && f.requiredIf.test(detail))
    const text = isMissing && f.required && pointer === (f.pointers || [])[0]
      ? f.required
      : `${f.label} ${detail}`.replace(/\s+/g, ' ')
    if (messages[f.id]) continue // one message per field, the first
    messages[f.id] = text
    linked.push({ i, href: f.href || `#${f.id}`, text })
  }
  linked.sort((a, b) => a.i - b.i)
  return { messages, summary: [...linked.map(({ href, text }) => ({ href, text })), ...unlinked] }
}

/** Client-side date errors in the same shape, merged ahead of nothing else. */
export function dateProblems (dateErrors, fields) {
  const messages = {}
  const summary = []
  fields.forEach((f) => {
    const e = dateErrors[f.id]
    if (e) {
      messages[f.id] = e.error
      summary.push({ href: `#${f.id}-${e.parts[0]}`, text: e.error })
    }
  })
  return { messages, summary }
}
