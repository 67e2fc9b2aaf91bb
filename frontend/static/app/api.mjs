// Calls to the staff API with the signed-in user's bearer token.
// A 401 ends the session and starts sign-in again, returning here after.

import { session, clearSession, signIn } from './auth.mjs'

/** An answer that was not 2xx; problem is the RFC 9457 body if there was one. */
export class ApiError extends Error {
  constructor (status, problem) {
    super((problem && (problem.detail || problem.title)) || `The service answered ${status}`)
    this.status = status
    this.problem = problem || {}
  }

  /** Field errors: [{ pointer, detail }] */
  get fieldErrors () {
    return Array.isArray(this.problem.errors) ? this.problem.errors : []
  }
}

export class SignedOut extends Error {}

export async function api (path, { method = 'GET', body, headers = {} } = {}) {
  const s = session()
  if (!s) {
    await signIn(window.location.pathname + window.location.search)
    throw new SignedOut('signing in')
  }
  const h = { Accept: 'application/json, application/problem+json', Authorization: `Bearer ${s.accessToken}`, ...headers }
  if (body !== undefined) h['Content-Type'] = 'application/json'
  const res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' })
  if (res.status === 401) {
    clearSession()
    await signIn(window.location.pathname + window.location.search)
    throw new SignedOut('signing in')
  }
  const type = res.headers.get('Content-Type') || ''
  const data = type.includes('json') ? await res.json().catch(() => null) : null
  if (!res.ok) throw new ApiError(res.status, data)
  return data
}

let meCache = null

/**
 * The signed-in member of staff: GET /v1/me ({ subject, kind, roles }),
 * asked once per access token. Roles only decide which links to show; the
 * API enforces them.
 */
export async function me () {
  const s = session()
  if (!s) return null
  if (meCache && meCache.token === s.accessToken) return meCache.value
  const value = await api('/v1/me')
  meCache = { token: s.accessToken, value }
  return value
}

export const ROLE_BSO = 'business-support-officer'

// seesQueue reports whether the signed-in person may work the referrals
// queue: every staff role but social worker (the staff API's policy).
export function seesQueue (who) {
  return Boolean(who && Array.isArray(who.roles) && who.roles.some((r) => r !== 'social-worker'))
}

export function hasRole (who, role) {
  return Boolean(who && Array.isArray(who.roles) && who.roles.includes(role))
}

// The roles that work on referrals and cases (docs/security.md): the rest
// (assistant directors: figures; administrators: no case contents) do not.
const CASE_WORKERS = ['business-support-officer', 'social-worker', 'team-manager', 'service-manager', 'head-of-service']

/** Whether the roles may open the referrals list. */
export function seesReferrals (who) {
  return CASE_WORKERS.some((r) => hasRole(who, r))
}

let namesCache = null

/**
 * The staff directory's names by sign-in subject (and by staff id), for
 * history that shows who did what: asked once per access token; {} when the
 * directory cannot be read (the history then shows role and id).
 */
export async function staffNames () {
  const s = session()
  if (!s) return {}
  if (namesCache && namesCache.token === s.accessToken) return namesCache.value
  let value = {}
  try {
    const body = await api('/v1/staff/people')
    for (const p of (body && body.people) || []) {
      if (!p || !p.name) continue
      if (p.subject) value[p.subject] = p.name
      if (p.id) value[p.id] = p.name
    }
  } catch (err) {
    if (err instanceof SignedOut) throw err
    value = {}
  }
  namesCache = { token: s.accessToken, value }
  return value
}
