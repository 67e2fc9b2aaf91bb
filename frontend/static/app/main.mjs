// MAPPA Coordinator staff app: routes, page titles, focus and GOV.UK
// Frontend initialisation. Pages render into #app.
//
// Page titles and URLs never carry personal data: a referral's URL holds its
// opaque id only, and its title says "Referral".

import { initAll } from '/assets/govuk-frontend-6.6.0.min.js'
import { html } from './html.mjs'
import { session, signIn, signOut, completeSignIn, SignInError, loadConfig } from './auth.mjs'
import { SignedOut, ApiError, me, hasRole, seesReferrals, ROLE_BSO } from './api.mjs'
import { roleText } from './format.mjs'

// Each page's module is loaded by the page that needs it (import()), so a
// page downloads only its own code; the server preloads what this module
// imports statically. prefetch() starts loading a page's module while the
// app asks who is signed in; a page missing from it still works.
const renderQueue = async (...a) => (await import('./views/queue.mjs')).renderQueue(...a)
const renderReferral = async (...a) => (await import('./views/referral.mjs')).renderReferral(...a)
const renderEnterReferral = async (...a) => (await import('./views/enter-referral.mjs')).renderEnterReferral(...a)
const renderEligibility = async (...a) => (await import('./views/eligibility.mjs')).renderEligibility(...a)
const renderCase = async (...a) => (await import('./views/case.mjs')).renderCase(...a)
const renderHome = async (...a) => (await import('./views/home.mjs')).renderHome(...a)
const renderReports = async (...a) => (await import('./views/reports.mjs')).renderReports(...a)
const renderAudit = async (...a) => (await import('./views/audit.mjs')).renderAudit(...a)
const renderRegister = async (...a) => (await import('./views/register.mjs')).renderRegister(...a)
const routeMeetings = async (...a) => (await import('./views/meetings-routes.mjs')).routeMeetings(...a)

const PREFETCH = [
  [/^\/referrals$/, () => import('./views/queue.mjs')],
  [/^\/reports$/, () => import('./views/reports.mjs')],
  [/^\/audit$/, () => import('./views/audit.mjs')],
  [/^\/register$/, () => import('./views/register.mjs')],
  [/^\/(home)?$/, () => import('./views/home.mjs')],
  [/^\/referrals\/new$/, () => import('./views/enter-referral.mjs')],
  [/^\/eligibility$/, () => import('./views/eligibility.mjs')],
  [/^\/referrals\/[^/]+$/, () => import('./views/referral.mjs')],
  [/^\/cases\/[^/]+$/, () => import('./views/case.mjs')],
  [/^\/(cases\/[^/]+\/meetings|meetings\/[^/]+|my-meetings|staff(\/[^/]+)?|rota|panel-days)$/, () => import('./views/meetings-routes.mjs')]
]

function prefetch (path) {
  const hit = PREFETCH.find(([re]) => re.test(path))
  if (hit) hit[1]().catch(() => {}) // a failure shows when the page itself loads
}

const SERVICE = 'MAPPA Coordinator'
const root = document.getElementById('app')

let renderSeq = 0

/** Context handed to views. */
function context (seq) {
  return {
    /** Render a page: title (no personal data), content, focus heading. */
    show (title, content, { focus = true, error = false } = {}) {
      if (seq !== renderSeq) return false // a newer navigation won
      document.title = `${error ? 'Error: ' : ''}${title} – ${SERVICE}`
      root.innerHTML = String(content)
      try { initAll({ scope: root }) } catch (e) { console.error(e) }
      if (focus) {
        // GOV.UK's error summary and success banner move focus to themselves.
        const target = root.querySelector('.govuk-error-summary, .govuk-notification-banner--success') ? null : root.querySelector('h1')
        if (target) {
          target.setAttribute('tabindex', '-1')
          target.focus({ preventScroll: false })
        }
      }
      return true
    },
    navigate,
    current: () => seq === renderSeq
  }
}

export function navigate (url, { replace = false } = {}) {
  if (replace) history.replaceState({}, '', url)
  else history.pushState({}, '', url)
  window.scrollTo(0, 0)
  route()
}

// The signed-in member of staff (GET /v1/me), for showing only the links
// their roles can use. The API enforces the roles either way.
let who = null

function setNav (signedIn, active) {
  const nav = document.getElementById('app-nav')
  if (!nav) return
  nav.hidden = !signedIn
  // data-role lists the roles (space-separated) an item is for.
  nav.querySelectorAll('[data-role]').forEach((li) => { li.hidden = !li.dataset.role.split(/\s+/).some((r) => hasRole(who, r)) })
  // The signed-in person's name and role, on every page.
  const bar = document.getElementById('app-user')
  if (bar) {
    const s = session()
    const roles = (who && who.roles) || []
    bar.hidden = !signedIn
    bar.innerHTML = signedIn ? String(html`Signed in as <strong id="app-user-name">${(s && s.name) || (who && who.subject) || 'you'}</strong>${roles.length ? html`, <span id="app-user-role">${roles.map(roleText).join(', ')}</span>` : ''}`) : ''
  }
  nav.querySelectorAll('[data-nav]').forEach((li) => {
    const on = li.dataset.nav === active
    li.classList.toggle('govuk-service-navigation__item--active', on)
    const a = li.querySelector('a')
    if (on) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  })
}

function signInPage (ctx, { reason } = {}) {
  setNav(false)
  ctx.show('Sign in', html`
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      ${reason ? html`<div class="govuk-notification-banner" role="region" aria-labelledby="signin-banner-title" data-module="govuk-notification-banner">
        <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="signin-banner-title">Important</h2></div>
        <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">${reason}</p></div>
      </div>` : ''}
      <h1 class="govuk-heading-l">Sign in to MAPPA Coordinator</h1>
      <p class="govuk-body">Use this service to handle MAPPA referrals and invitations sent to children's services by the police, probation, prisons and youth justice.</p>
      <p class="govuk-body">Sign in with your council account. You will come back here after signing in.</p>
      <form id="sign-in-form" novalidate>
        <button type="submit" class="govuk-button govuk-button--start" data-module="govuk-button">
          Sign in
          <svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false"><path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z"/></svg>
        </button>
      </form>
    </div></div>`, { focus: false })
  root.querySelector('#sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault()
    const params = new URLSearchParams(location.search)
    signIn(params.get('returnTo') || '/')
  })
}

function notFoundPage (ctx) {
  ctx.show('Page not found', html`
    <h1 class="govuk-heading-l">Page not found</h1>
    <p class="govuk-body">If you typed the web address, check it is correct.</p>
    <p class="govuk-body">If you pasted the web address, check you copied the entire address.</p>
    <p class="govuk-body"><a class="govuk-link" href="/">Go to your home page</a></p>`)
}

export function problemPage (ctx, err) {
  if (err instanceof SignedOut) return
  if (err instanceof ApiError && err.status === 404) {
    ctx.show('Page not found', html`
      <h1 class="govuk-heading-l">Page not found</h1>
      <p class="govuk-body">There is no such referral, or you are not allowed to see it.</p>
      <p class="govuk-body"><a class="govuk-link" href="/">Go to your home page</a></p>`)
    return
  }
  if (err instanceof ApiError && err.status === 403) {
    ctx.show('You cannot see this page', html`
      <h1 class="govuk-heading-l">You cannot see this page</h1>
      <p class="govuk-body">Your role does not give you access to this page. Ask your manager if you think you should have access.</p>`)
    return
  }
  console.error(err)
  ctx.show('Sorry, there is a problem with the service', html`
    <h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>
    <p class="govuk-body">Try again later.</p>
    ${err && err.problem && err.problem.requestId ? html`<p class="govuk-body">If it keeps happening, contact support and give them this reference: <span class="govuk-!-font-weight-bold">${err.problem.requestId}</span></p>` : ''}`)
}

async function route () {
  const seq = ++renderSeq
  const ctx = context(seq)
  const path = location.pathname.replace(/\/+$/, '') || '/'
  try {
    await loadConfig()
    if (path === '/auth/callback') {
      try {
        const to = await completeSignIn(location.search)
        navigate(to, { replace: true })
      } catch (e) {
        history.replaceState({}, '', '/')
        if (e instanceof SignInError) signInPage(ctx, { reason: `${e.message} Sign in again.` })
        else throw e
      }
      return
    }
    if (path === '/sign-out') {
      await signOut()
      return
    }
    const s = session()
    if (!s) {
      if (path !== '/') {
        // A deep link: sign in, then come back here.
        history.replaceState({}, '', '/?returnTo=' + encodeURIComponent(location.pathname + location.search))
      }
      signInPage(ctx)
      return
    }
    prefetch(path)
    try {
      who = await me()
    } catch (e) {
      if (e instanceof SignedOut) return
      console.error(e)
      who = null
    }
    ctx.who = who
    if (path === '/' || path === '/home') {
      // Home: what needs this person today, for their role.
      setNav(true, 'home')
      await renderHome(ctx, (s && s.name) || '')
      return
    }
    if (path === '/reports') {
      setNav(true, 'reports')
      if (!hasRole(who, 'assistant-director')) {
        ctx.show('You cannot see this page', html`
          <h1 class="govuk-heading-l">You cannot see this page</h1>
          <p class="govuk-body">The Board’s reports are for assistant directors. Ask your manager if you think you should have access.</p>
          <p class="govuk-body"><a class="govuk-link" href="/">Go to your home page</a></p>`)
        return
      }
      await renderReports(ctx, new URLSearchParams(location.search))
      return
    }
    if (path === '/audit') {
      setNav(true, 'audit')
      if (!hasRole(who, 'administrator')) {
        ctx.show('You cannot see this page', html`
          <h1 class="govuk-heading-l">You cannot see this page</h1>
          <p class="govuk-body">The audit is for administrators. Ask your manager if you think you should have access.</p>
          <p class="govuk-body"><a class="govuk-link" href="/">Go to your home page</a></p>`)
        return
      }
      await renderAudit(ctx, new URLSearchParams(location.search))
      return
    }
    if (path === '/referrals') {
      setNav(true, 'referrals')
      if (!seesReferrals(who)) {
        ctx.show('You cannot see this page', html`
          <h1 class="govuk-heading-l">You cannot see this page</h1>
          <p class="govuk-body">Your role does not work on referrals. ${hasRole(who, 'assistant-director') ? html`The Board’s figures are in <a class="govuk-link" href="/reports">Reports</a>.` : ''}</p>
          <p class="govuk-body"><a class="govuk-link" href="/">Go to your home page</a></p>`)
        return
      }
      await renderQueue(ctx, new URLSearchParams(location.search))
      return
    }
    if (path === '/register') {
      setNav(true, 'register')
      if (!seesReferrals(who)) {
        ctx.show('You cannot see this page', html`
          <h1 class="govuk-heading-l">You cannot see this page</h1>
          <p class="govuk-body">The risk register lists people’s cases, which your role does not work on. ${hasRole(who, 'assistant-director') ? html`The register’s figures are on your <a class="govuk-link" href="/">home page</a>.` : ''}</p>
          <p class="govuk-body"><a class="govuk-link" href="/">Go to your home page</a></p>`)
        return
      }
      await renderRegister(ctx, new URLSearchParams(location.search))
      return
    }
    if (path === '/referrals/new') {
      setNav(true, 'enter-referral')
      if (!hasRole(who, ROLE_BSO)) {
        ctx.show('You cannot see this page', html`
          <h1 class="govuk-heading-l">You cannot see this page</h1>
          <p class="govuk-body">Only business support officers can enter referrals. Ask your manager if you think you should have access.</p>`)
        return
      }
      await renderEnterReferral(ctx)
      return
    }
    if (path === '/eligibility') {
      setNav(true, 'eligibility')
      await renderEligibility(ctx)
      return
    }
    const m = path.match(/^\/referrals\/([A-Za-z0-9_-]{1,100})$/)
    if (m) {
      setNav(true, 'referrals')
      await renderReferral(ctx, m[1])
      return
    }
    const c = path.match(/^\/cases\/([A-Za-z0-9_-]{1,100})$/)
    if (c) {
      setNav(true, 'referrals')
      await renderCase(ctx, c[1])
      return
    }
    if (await routeMeetings(path, ctx, setNav)) return
    setNav(true)
    notFoundPage(ctx)
  } catch (err) {
    problemPage(ctx, err)
  }
}

// Links inside the app navigate without reloading; everything else is normal.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  const a = e.target.closest('a[href]')
  if (!a || a.target || a.hasAttribute('download')) return
  const url = new URL(a.href, location.href)
  if (url.origin !== location.origin || url.pathname.startsWith('/assets/') || url.pathname.startsWith('/dev/') || url.pathname.startsWith('/v1/')) return
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return // in-page link (error summary)
  e.preventDefault()
  navigate(url.pathname + url.search + url.hash)
})

window.addEventListener('popstate', route)

try {
  initAll({ scope: document.body })
} catch (e) { console.error(e) }
route()
