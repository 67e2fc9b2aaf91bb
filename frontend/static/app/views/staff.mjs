// Staff and rota pages (issue 9): the staff directory with leave, one
// person (profile, DBS, leave with a form, rota places, the individuals they
// hold), and the rotas of service managers and heads of service with each
// person's load and leave.

import { html, summaryList, table, tag, errorSummary, dateInput, select, button, notificationBanner } from '../html.mjs'
import { api, ApiError, hasRole, ROLE_BSO } from '../api.mjs'
import { dateText, roleText } from '../format.mjs'
import { formValues, readDate, mapProblems } from '../forms.mjs'

const enc = encodeURIComponent
const LEAVE_KINDS = [
  { value: 'annual-leave', text: 'Annual leave' }, { value: 'sickness', text: 'Sickness' },
  { value: 'training', text: 'Training' }, { value: 'other', text: 'Other' }
]
const kindText = (k) => (LEAVE_KINDS.find((x) => x.value === k) || {}).text || k

function keeps (who) { return hasRole(who, ROLE_BSO) || hasRole(who, 'administrator') }

function leaveText (l) {
  return l.from === l.to ? `${dateText(l.from)} (${kindText(l.kind)})` : `${dateText(l.from)} to ${dateText(l.to)} (${kindText(l.kind)})`
}

export function peoplePage (body) {
  const leaveBy = {}
  for (const l of body.leave || []) (leaveBy[l.staffId] = leaveBy[l.staffId] || []).push(l)
  return html`
    <h1 class="govuk-heading-l">Staff</h1>
    <p class="govuk-body"><a class="govuk-link" href="/rota">Rota of service managers and heads of service</a></p>
    <div class="app-table-wrap">${table({ id: 'people', caption: 'Staff directory', captionSize: 's', head: ['Name', 'Role', 'Team', 'Next DBS check due', 'Leave to come'],
      rows: (body.people || []).map((p) => [
        html`<a class="govuk-link" href="/staff/${enc(p.id)}">${p.name}</a>${p.active ? '' : html` ${tag('Inactive', 'grey')}`}`,
        roleText(p.role), p.team || undefined, p.dbsNextDue ? dateText(p.dbsNextDue) : undefined,
        (leaveBy[p.id] || []).length ? html`${leaveBy[p.id].map((l, i) => html`${i ? html`<br>` : ''}${leaveText(l)}`)}` : 'None'
      ]) })}</div>`
}

export async function renderPeople (ctx) {
  ctx.show('Staff', peoplePage(await api('/v1/staff/people')))
}

const LEAVE_FIELDS = [
  { id: 'lv-from', pointers: ['/from'], label: 'First day', required: 'Enter the first day of leave', href: '#lv-from-day' },
  { id: 'lv-to', pointers: ['/to'], label: 'Last day', required: 'Enter the last day of leave', href: '#lv-to-day' },
  { id: 'lv-kind', pointers: ['/kind'], label: 'Kind' }
]

export function personPage (b, canKeep, errors = null, flash = '') {
  const p = b.person
  const names = b.names || {}
  const e = (errors && errors.messages) || {}
  return html`
    ${errorSummary(errors && errors.summary)}
    ${flash ? notificationBanner({ success: true, heading: flash }) : ''}
    <span class="govuk-caption-l">${roleText(p.role)}</span>
    <h1 class="govuk-heading-l">${p.name}</h1>
    ${summaryList([
      { key: 'Work email', value: p.email },
      { key: 'Roles', value: (p.roles || []).map(roleText).join(', ') },
      { key: 'Team', value: p.team || undefined },
      { key: 'Line manager', value: p.lineManagerId ? html`<a class="govuk-link" href="/staff/${enc(p.lineManagerId)}">${names[p.lineManagerId] || p.lineManagerId}</a>` : undefined },
      { key: 'Last DBS check', value: p.dbsCheckedOn ? dateText(p.dbsCheckedOn) : undefined },
      { key: 'Next DBS check due', value: p.dbsNextDue ? dateText(p.dbsNextDue) : undefined },
      { key: 'Signs in as', value: p.subject ? 'Linked to a sign-in account' : 'No sign-in account linked' }
    ])}
    <h2 class="govuk-heading-m" id="leave">Leave and other unavailable periods</h2>
    ${(b.leave || []).length ? html`<ul class="govuk-list govuk-list--bullet" id="leave-list">${b.leave.map((l) => html`<li>${leaveText(l)}${canKeep ? html` <button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 app-remove-leave" data-leave="${l.from}.${l.id}">Remove<span class="govuk-visually-hidden"> leave from ${dateText(l.from)}</span></button>` : ''}</li>`)}</ul>`
      : html`<p class="govuk-body">No leave recorded.</p>`}
    ${canKeep ? html`<form id="leave-form" novalidate>
      ${dateInput({ id: 'lv-from', legend: 'First day', error: e['lv-from'] })}
      ${dateInput({ id: 'lv-to', legend: 'Last day', error: e['lv-to'] })}
      ${select({ id: 'lv-kind', name: 'kind', label: 'Kind', items: LEAVE_KINDS, error: e['lv-kind'] })}
      ${button('Record leave', { secondary: true })}
    </form>` : ''}
    <h2 class="govuk-heading-m" id="rota-places">On the rota</h2>
    ${(b.rota || []).length ? html`<ul class="govuk-list">${b.rota.map((r) => html`<li>${roleText(r.role)} rota, position ${r.position}${r.backup ? ' (backup)' : ''}${r.backupFor ? html`, covers ${names[r.backupFor] || r.backupFor} first` : ''}${r.active ? '' : ' (not active)'}</li>`)}</ul>`
      : html`<p class="govuk-body">Not on a rota.</p>`}
    <h2 class="govuk-heading-m" id="continuity">Individuals they attend for (continuity)</h2>
    ${Object.keys(b.continuity || {}).length ? html`<ul class="govuk-list">${Object.entries(b.continuity).map(([role, cases]) => cases.map((c, i) => html`<li><a class="govuk-link" href="/cases/${enc(c)}/meetings">Case ${i + 1} (${roleText(role).toLowerCase()})</a></li>`))}</ul>`
      : html`<p class="govuk-body">None that you can see.</p>`}`
}

export async function renderPerson (ctx, id, errors = null, flash = '') {
  const b = await api(`/v1/staff/people/${enc(id)}`)
  const canKeep = keeps(ctx.who)
  if (!ctx.show('Member of staff', personPage(b, canKeep, errors, flash), { focus: !errors })) return
  const form = document.getElementById('leave-form')
  if (form) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const v = formValues(form)
      const from = readDate(v, 'lv-from', 'First day')
      const to = readDate(v, 'lv-to', 'Last day')
      const dateErrs = Object.entries({ 'lv-from': from, 'lv-to': to }).filter(([, d]) => d.error)
      if (dateErrs.length) {
        await renderPerson(ctx, id, { messages: Object.fromEntries(dateErrs.map(([k, d]) => [k, d.error])), summary: dateErrs.map(([k, d]) => ({ href: `#${k}-${d.parts[0]}`, text: d.error })) })
        return
      }
      try {
        await api(`/v1/staff/people/${enc(id)}/leave`, { method: 'POST', body: { from: from.iso, to: to.iso, kind: v.kind } })
        await renderPerson(ctx, id, null, 'The leave was recorded. Meetings in it are checked again by the rota.')
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 422) throw err
        await renderPerson(ctx, id, mapProblems(err.fieldErrors, LEAVE_FIELDS))
      }
    })
  }
  document.querySelectorAll('.app-remove-leave').forEach((btn) => btn.addEventListener('click', async () => {
    await api(`/v1/staff/people/${enc(id)}/leave/${enc(btn.dataset.leave)}`, { method: 'DELETE' })
    await renderPerson(ctx, id, null, 'The leave was removed.')
  }))
}

export function rotaPage (b) {
  const names = b.names || {}
  const part = (role, title) => {
    const places = (b.rotas || {})[role] || []
    return html`<div class="app-table-wrap">${table({ id: `rota-${role}`, caption: title, captionSize: 'm', head: ['Position', 'Name', 'Individuals held', 'Backup', 'Leave to come'],
      rows: places.map((p) => [
        String(p.position),
        html`<a class="govuk-link" href="/staff/${enc(p.staffId)}">${names[p.staffId] || p.staffId}</a>${p.active ? '' : html` ${tag('Not active', 'grey')}`}`,
        html`${String(p.load)}${(p.cases || []).length ? html`<br>${p.cases.map((c, i) => html`<a class="govuk-link govuk-body-s" href="/cases/${enc(c)}/meetings">case ${i + 1}</a> `)}` : ''}`,
        p.backup ? (p.backupFor ? `Backup for ${names[p.backupFor] || p.backupFor}` : 'Backup') : 'No',
        (p.leave || []).length ? html`${p.leave.map((l, i) => html`${i ? html`<br>` : ''}${leaveText(l)}`)}` : 'None'
      ]) })}</div>`
  }
  return html`
    <h1 class="govuk-heading-l">Rota</h1>
    <p class="govuk-body">One service manager attends every level 2 meeting for an individual, and one head of service every level 3 meeting: the same person each time while they are available. A new individual goes to the person holding the fewest.</p>
    ${part('service-manager', 'Service managers (level 2)')}
    ${part('head-of-service', 'Heads of service (level 3)')}
    <p class="govuk-body"><a class="govuk-link" href="/staff">Staff directory and leave</a></p>`
}

export async function renderRota (ctx) {
  ctx.show('Rota', rotaPage(await api('/v1/staff/rota')))
}

export const _test = { peoplePage, personPage, rotaPage }
