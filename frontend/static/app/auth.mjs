// Sign-in with OAuth 2.0 authorization code + PKCE (S256), as Cognito's
// hosted UI does it on AWS and the dev issuer (/dev/auth) does it locally.
//
// The access token lives in sessionStorage (one tab, gone when the tab
// closes), never in localStorage or a cookie. No refresh token is kept: when
// the access token expires the user signs in again.

const SESSION = 'mappa.session'
const PENDING = 'mappa.signin'

let config = null

export async function loadConfig () {
  if (config) return config
  // The server puts the configuration in index.html (saving a request);
  // /app-config.json has the same body.
  const meta = document.querySelector('meta[name="app-config"]')
  if (meta) {
    try { config = JSON.parse(meta.content); return config } catch { config = null }
  }
  const res = await fetch('/app-config.json', { headers: { Accept: 'application/json' }, cache: 'no-store' })
  if (!res.ok) throw new Error(`app-config.json: ${res.status}`)
  config = await res.json()
  return config
}

function base64url (bytes) {
  let s = ''
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function randomString (n = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(n)))
}

export async function challengeFor (verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64url(digest)
}

/** Only same-site paths may be returned to after sign-in. */
export function safeReturnPath (p) {
  if (typeof p !== 'string' || !p.startsWith('/') || p.startsWith('//') || p.startsWith('/\\') || p.startsWith('/auth/')) {
    return '/referrals'
  }
  return p
}

/** Starts sign-in: sends the browser to the authorization endpoint. */
export async function signIn (returnTo) {
  const cfg = await loadConfig()
  const verifier = randomString(48)
  const state = randomString(24)
  const nonce = randomString(24)
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, returnTo: safeReturnPath(returnTo) }))
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: cfg.redirectUri,
    scope: cfg.scope,
    state,
    nonce,
    code_challenge: await challengeFor(verifier),
    code_challenge_method: 'S256'
  })
  window.location.assign(`${cfg.authorizeUrl}?${q}`)
}

function decodeJwtPayload (jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    const json = decodeURIComponent(Array.from(atob(part), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''))
    return JSON.parse(json)
  } catch {
    return {}
  }
}

export class SignInError extends Error {}

/**
 * Completes sign-in on /auth/callback: checks state, exchanges the code at
 * the token endpoint and stores the session. Returns the path to go to.
 */
export async function completeSignIn (search) {
  const params = new URLSearchParams(search)
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null')
  sessionStorage.removeItem(PENDING)
  if (params.get('error')) throw new SignInError('The sign-in service refused the request.')
  if (!pending || !params.get('state') || params.get('state') !== pending.state) {
    throw new SignInError('The sign-in could not be checked. It may have expired or been started in another tab.')
  }
  const cfg = await loadConfig()
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: cfg.clientId,
    code: params.get('code') || '',
    code_verifier: pending.verifier,
    redirect_uri: cfg.redirectUri
  })
  let res
  try {
    res = await fetch(cfg.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body
    })
  } catch {
    throw new SignInError('The sign-in service could not be reached.')
  }
  if (!res.ok) throw new SignInError('The sign-in service did not accept the sign-in.')
  const tok = await res.json()
  if (!tok.access_token) throw new SignInError('The sign-in service sent no access token.')
  const id = tok.id_token ? decodeJwtPayload(tok.id_token) : {}
  if (pending.nonce && id.nonce && id.nonce !== pending.nonce) throw new SignInError('The sign-in could not be checked.')
  const access = decodeJwtPayload(tok.access_token)
  const expiresAt = Date.now() + (Number(tok.expires_in) || 3600) * 1000 - 30000
  sessionStorage.setItem(SESSION, JSON.stringify({
    accessToken: tok.access_token,
    expiresAt,
    name: id.name || id.email || access.username || '',
    roles: access['cognito:groups'] || []
  }))
  return pending.returnTo
}

/** The current session, or null if signed out or expired. */
export function session () {
  const s = JSON.parse(sessionStorage.getItem(SESSION) || 'null')
  if (!s || !s.accessToken || Date.now() > s.expiresAt) return null
  return s
}

export function clearSession () {
  sessionStorage.removeItem(SESSION)
}

/** Ends the session here and at the auth server. */
export async function signOut () {
  clearSession()
  const cfg = await loadConfig()
  const q = new URLSearchParams({ client_id: cfg.clientId, logout_uri: cfg.logoutRedirectUri })
  window.location.assign(`${cfg.logoutUrl}?${q}`)
}
