// Staff and rota pages (issue 9): the staff directory with leave, one
// person (profile, DBS, leave with a form, rota places, the individuals they
// hold), and the rotas of service managers and heads of service with each
// person's load and leave.

import { html, summaryList, table, tag, errorSummary, dateInput, select, button, notificationBanner, input, checkboxes } from '../html.mjs'
import { api, ApiError, hasRole, ROLE_BSO } from '../api.mjs'
import { dateText, roleText, ROLE_NAMES } from '../format.mjs'
import { formValues, readDate, mapProblems, text, dateParts, dateValue } from '../forms.mjs'

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
    <p class="govuk-body"><a class="govuk-link" href="/panel-days">Panel days for level 2 business</a></p>
    <div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'people', caption: 'Staff directory', captionSize: 's', head: ['Name', 'Role', 'Team', 'Next DBS check due', 'Leave to come'],
      rows: (body.people || []).map((p) => [
        html`<a class="govuk-link" href="/staff/${enc(p.id)}">${p.name}</a>${p.active ? '' : html` ${tag('Inactive', 'grey')}`}`,
        roleText(p.role), p.team || undefined, p.dbsNextDue ? dateText(p.dbsNextDue) : undefined,
        (leaveBy[p.id] || []).length ? html`${leaveBy[p.id].map((l, i) => html`${i ? html`<br>` : ''}${leaveText(l)}`)}` : 'None'
      ]) })}</div>`
}

const PERSON_FIELDS = [
  { id: 'p-name', pointers: ['/name'], label: 'Name', required: 'Enter the person\'s name' },
  { id: 'p-email', pointers: ['/email'], label: 'Work email', required: 'Enter a work email address' },
  { id: 'p-role', pointers: ['/role'], label: 'Role', required: 'Select a role' },
  { id: 'p-team', pointers: ['/team'], label: 'Team' },
  { id: 'p-manager', pointers: ['/lineManagerId'], label: 'Line manager' },
  { id: 'p-dbs', pointers: ['/dbsCheckedOn'], label: 'Last DBS check', href: '#p-dbs-day' },
  { id: 'p-dbs-next', pointers: ['/dbsNextDue'], label: 'Next DBS check', href: '#p-dbs-next-day' }
]

function personForm (people, errors) {
  const e = (errors && errors.messages) || {}
  return html`<details class="govuk-details" id="add-person"${errors ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Add a person</span></summary>
    <div class="govuk-details__text"><form id="person-form" novalidate>
      ${input({ id: 'p-name', name: 'name', label: 'Name', error: e['p-name'], autocomplete: 'off' })}
      ${input({ id: 'p-email', name: 'email', label: 'Work email', type: 'email', error: e['p-email'], spellcheck: false })}
      ${select({ id: 'p-role', name: 'role', label: 'Role', error: e['p-role'], items: [{ value: '', text: 'Choose a role' }, ...Object.entries(ROLE_NAMES).map(([value, t]) => ({ value, text: t }))] })}
      ${input({ id: 'p-team', name: 'team', label: 'Team (optional)', error: e['p-team'] })}
      ${select({ id: 'p-manager', name: 'lineManagerId', label: 'Line manager (optional)', error: e['p-manager'], items: [{ value: '', text: 'None' }, ...people.map((p) => ({ value: p.id, text: p.name }))] })}
      ${dateInput({ id: 'p-dbs', legend: 'Date of the last DBS check (optional)', error: e['p-dbs'] })}
      ${dateInput({ id: 'p-dbs-next', legend: 'When the next DBS check is due (optional)', hint: 'Leave blank for 3 years after the last check', error: e['p-dbs-next'] })}
      ${button('Add the person', { secondary: true })}
    </form></div></details>`
}

export async function renderPeople (ctx, errors = null, flash = '') {
  const body = await api('/v1/staff/people')
  const canKeep = keeps(ctx.who)
  if (!ctx.show('Staff', html`${errorSummary(errors && errors.summary)}${flash ? notificationBanner({ success: true, heading: flash }) : ''}${peoplePage(body)}${canKeep ? personForm(body.people || [], errors) : ''}`, { focus: !errors })) return
  const form = document.getElementById('person-form')
  if (!form) return
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    const v = formValues(form)
    const dbs = readDate(v, 'p-dbs', 'Date of the last DBS check')
    const next = readDate(v, 'p-dbs-next', 'Next DBS check')
    const bad = Object.entries({ 'p-dbs': dbs, 'p-dbs-next': next }).filter(([, d]) => d.error)
    if (bad.length) {
      await renderPeople(ctx, { messages: Object.fromEntries(bad.map(([k, d]) => [k, d.error])), summary: bad.map(([k, d]) => ({ href: `#${k}-${d.parts[0]}`, text: d.error })) })
      return
    }
    const body = { name: text(v, 'name') || '', email: text(v, 'email') || '', role: v.role || '', team: text(v, 'team'), lineManagerId: text(v, 'lineManagerId'), dbsCheckedOn: dbs.iso, dbsNextDue: next.iso }
    Object.keys(body).forEach((k) => body[k] === undefined && delete body[k])
    try {
      const p = await api('/v1/staff/people', { method: 'POST', body })
      await renderPeople(ctx, null, `${p.name} was added to the staff directory.`)
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 422) throw err
      await renderPeople(ctx, mapProblems(err.fieldErrors, PERSON_FIELDS))
    }
  })
}

const LEAVE_FIELDS = [
  { id: 'lv-from', pointers: ['/from'], label: 'First day', required: 'Enter the first day of leave', href: '#lv-from-day' },
  { id: 'lv-to', pointers: ['/to'], label: 'Last day', required: 'Enter the last day of leave', href: '#lv-to-day' },
  { id: 'lv-kind', pointers: ['/kind'], label: 'Kind' }
]

const EDIT_FIELDS = PERSON_FIELDS.map((f) => ({ ...f, id: f.id.replace(/^p-/, 'ep-'), href: f.href && f.href.replace('#p-', '#ep-') }))

/**
 * The form that changes a person (business support officers and
 * administrators): pre-filled from the person, or from what was submitted
 * when it comes back with errors; the version read is sent back, so a
 * change made meanwhile by someone else is refused, not overwritten.
 */
function editForm (p, people, errors, values) {
  const e = (errors && errors.messages) || {}
  const v = values || {
    name: p.name, email: p.email, role: p.role, team: p.team || '', lineManagerId: p.lineManagerId || '',
    dbs: dateParts(p.dbsCheckedOn), next: dateParts(p.dbsNextDue), active: p.active
  }
  return html`<details class="govuk-details" id="edit-person"${errors ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Change their details</span></summary>
    <div class="govuk-details__text"><form id="edit-person-form" novalidate>
      <input type="hidden" name="version" value="${String(p.version)}">
      ${input({ id: 'ep-name', name: 'name', label: 'Name', error: e['ep-name'], value: v.name, autocomplete: 'off' })}
      ${input({ id: 'ep-email', name: 'email', label: 'Work email', type: 'email', error: e['ep-email'], value: v.email, spellcheck: false })}
      ${select({ id: 'ep-role', name: 'role', label: 'Main role', error: e['ep-role'], value: v.role, items: Object.entries(ROLE_NAMES).map(([value, t]) => ({ value, text: t })) })}
      ${input({ id: 'ep-team', name: 'team', label: 'Team (optional)', error: e['ep-team'], value: v.team })}
      ${select({ id: 'ep-manager', name: 'lineManagerId', label: 'Line manager (optional)', error: e['ep-manager'], value: v.lineManagerId, items: [{ value: '', text: 'None' }, ...people.filter((x) => x.id !== p.id).map((x) => ({ value: x.id, text: x.name }))] })}
      ${dateInput({ id: 'ep-dbs', legend: 'Date of the last DBS check (optional)', error: e['ep-dbs'], value: v.dbs })}
      ${dateInput({ id: 'ep-dbs-next', legend: 'When the next DBS check is due (optional)', hint: 'Leave blank for 3 years after the last check', error: e['ep-dbs-next'], value: v.next })}
      ${checkboxes({ id: 'ep-active', legend: 'In the directory', small: true, items: [{ name: 'active', text: 'Active (can be chosen for meetings)', checked: v.active }] })}
      ${button('Save their details', { secondary: true })}
    </form></div></details>`
}

export function personPage (b, canKeep, errors = null, flash = '', people = [], values = null) {
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
      { key: 'Signs in as', value: p.subject ? 'Linked to a sign-in account' : 'No sign-in account linked' },
      { key: 'Status', value: p.active ? 'Active' : 'Inactive' }
    ])}
    ${canKeep ? editForm(p, people, errors && errors.form === 'edit' ? errors : null, values) : ''}
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
    ${canKeep && (p.roles || []).some((r) => r === 'service-manager' || r === 'head-of-service') ? html`<details class="govuk-details" id="rota-place"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Set their place on the rota</span></summary>
      <div class="govuk-details__text"><form id="rota-form" novalidate>
        ${select({ id: 'rp-role', name: 'role', label: 'Rota', items: (p.roles || []).filter((r) => r === 'service-manager' || r === 'head-of-service').map((r) => ({ value: r, text: roleText(r) })) })}
        ${input({ id: 'rp-position', name: 'position', label: 'Position on the rota', width: 3, inputmode: 'numeric', value: String(((b.rota || [])[0] || {}).position || 1) })}
        ${checkboxes({ id: 'rp-flags', legend: 'Place', small: true, items: [
          { name: 'active', text: 'On the rota now', checked: (b.rota || []).length === 0 || ((b.rota || [])[0] || {}).active },
          { name: 'backup', text: 'A backup (covers others; not chosen first for a new individual)', checked: ((b.rota || [])[0] || {}).backup }
        ] })}
        ${button('Save their place', { secondary: true })}
      </form></div></details>` : ''}
    <h2 class="govuk-heading-m" id="continuity">Individuals they attend for (continuity)</h2>
    ${Object.keys(b.continuity || {}).length ? html`<ul class="govuk-list">${Object.entries(b.continuity).map(([role, cases]) => cases.map((c, i) => html`<li><a class="govuk-link" href="/cases/${enc(c)}/meetings">Case ${i + 1} (${roleText(role).toLowerCase()})</a></li>`))}</ul>`
      : html`<p class="govuk-body">None that you can see.</p>`}`
}

export async function renderPerson (ctx, id, errors = null, flash = '', values = null) {
  const b = await api(`/v1/staff/people/${enc(id)}`)
  const canKeep = keeps(ctx.who)
  const people = canKeep ? ((await api('/v1/staff/people')).people || []) : []
  if (!ctx.show('Member of staff', personPage(b, canKeep, errors, flash, people, values), { focus: !errors })) return
  const ef = document.getElementById('edit-person-form')
  if (ef) {
    ef.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const v = formValues(ef)
      const kept = { name: v.name || '', email: v.email || '', role: v.role || '', team: v.team || '', lineManagerId: v.lineManagerId || '', dbs: dateValue(v, 'ep-dbs'), next: dateValue(v, 'ep-dbs-next'), active: v.active === 'true' }
      const dbs = readDate(v, 'ep-dbs', 'Date of the last DBS check')
      const next = readDate(v, 'ep-dbs-next', 'Next DBS check')
      const bad = Object.entries({ 'ep-dbs': dbs, 'ep-dbs-next': next }).filter(([, d]) => d.error)
      if (bad.length) {
        await renderPerson(ctx, id, { form: 'edit', messages: Object.fromEntries(bad.map(([k, d]) => [k, d.error])), summary: bad.map(([k, d]) => ({ href: `#${k}-${d.parts[0]}`, text: d.error })) }, '', kept)
        return
      }
      const body = { version: Number(v.version) || 0, name: text(v, 'name') || '', email: text(v, 'email') || '', role: v.role || '', team: text(v, 'team'), lineManagerId: text(v, 'lineManagerId'), dbsCheckedOn: dbs.iso, dbsNextDue: next.iso, active: v.active === 'true' }
      Object.keys(body).forEach((k) => body[k] === undefined && delete body[k])
      try {
        const p = await api(`/v1/staff/people/${enc(id)}`, { method: 'PUT', body })
        await renderPerson(ctx, id, null, `${p.name}'s details were saved.`)
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          // Someone else changed the person meanwhile: show theirs, keep nothing of ours.
          await renderPerson(ctx, id, { form: 'edit', messages: {}, summary: [{ href: null, text: 'Their details were not saved: someone else changed them meanwhile. The page now shows the change; make yours again.' }] })
          return
        }
        if (!(err instanceof ApiError) || err.status !== 422) throw err
        await renderPerson(ctx, id, { form: 'edit', ...mapProblems(err.fieldErrors, EDIT_FIELDS) }, '', kept)
      }
    })
  }
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
  const rf = document.getElementById('rota-form')
  if (rf) {
    rf.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const v = formValues(rf)
      try {
        await api(`/v1/staff/rota/${enc(v.role)}/${enc(id)}`, { method: 'PUT', body: { position: Number(v.position) || 0, active: v.active === 'true', backup: v.backup === 'true' } })
        await renderPerson(ctx, id, null, 'Their place on the rota was saved.')
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 422) throw err
        await renderPerson(ctx, id, mapProblems(err.fieldErrors, [{ id: 'rp-position', pointers: ['/position'], label: 'Position' }, { id: 'rp-role', pointers: ['/role'], label: 'Rota' }]))
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
    return html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: `rota-${role}`, caption: title, captionSize: 'm', head: ['Position', 'Name', 'Individuals held', 'Backup', 'Leave to come'],
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
    <p class="govuk-body"><a class="govuk-link" href="/staff">Staff directory and leave</a></p>
    <p class="govuk-body"><a class="govuk-link" href="/panel-days">Panel days for level 2 business</a></p>`
}

/** Today in the UK, as YYYY-MM-DD. */
function todayIso () {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
}

/**
 * The area's fixed panel days (S1: the MAPP panel meets twice a month):
 * the days to come, and for business support officers and administrators a
 * form to add a day and a button to remove each. The next level 2 review is
 * proposed on a panel day inside its window.
 */
export function panelDaysPage (days, canKeep, errors = null, flash = '', values = {}, today = todayIso()) {
  const e = (errors && errors.messages) || {}
  const coming = days.filter((d) => d >= today)
  const past = days.length - coming.length
  return html`
    ${errorSummary(errors && errors.summary)}
    ${flash ? notificationBanner({ success: true, heading: flash }) : ''}
    <h1 class="govuk-heading-l">Panel days</h1>
    <p class="govuk-body">Level 2 business is held on these fixed days (the panel meets twice a month). When a level 2 meeting is held, the next review is proposed on the panel day inside its review window nearest the suggested date; when there is none in the window, the business support officers are told.</p>
    ${coming.length
      ? html`<ul class="govuk-list govuk-list--bullet" id="panel-days">${coming.map((d) => html`<li>${dateText(d)}${canKeep ? html` <button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 app-remove-panel-day" data-day="${d}">Remove<span class="govuk-visually-hidden"> ${dateText(d)}</span></button>` : ''}</li>`)}</ul>`
      : html`<p class="govuk-body" id="panel-days">No panel days to come are set.</p>`}
    ${past ? html`<p class="govuk-body-s">${String(past)} past panel day${past === 1 ? '' : 's'} kept for the record.</p>` : ''}
    ${canKeep ? html`<form id="panel-day-form" novalidate>
      ${dateInput({ id: 'pd-date', legend: 'Add a panel day', hint: 'For example, 14 3 2027', error: e['pd-date'], errorParts: errors && errors.parts, value: values })}
      ${button('Add the panel day', { secondary: true })}
    </form>` : ''}
    <p class="govuk-body"><a class="govuk-link" href="/rota">Rota of service managers and heads of service</a></p>`
}

export async function renderPanelDays (ctx, errors = null, flash = '', values = {}) {
  const days = (await api('/v1/staff/panel-days')).days || []
  const canKeep = keeps(ctx.who)
  if (!ctx.show('Panel days', panelDaysPage(days, canKeep, errors, flash, values), { focus: !errors })) return
  const save = async (next, message) => {
    try {
      await api('/v1/staff/panel-days', { method: 'PUT', body: { days: next } })
      await renderPanelDays(ctx, null, message)
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 422) throw err
      await renderPanelDays(ctx, mapProblems(err.fieldErrors, [{ id: 'pd-date', pointers: ['/days'], label: 'Panel day', href: '#pd-date-day' }]))
    }
  }
  const form = document.getElementById('panel-day-form')
  if (form) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const v = formValues(form)
      const d = readDate(v, 'pd-date', 'Panel day')
      let error = d.error
      let parts = d.parts
      if (!error && !d.iso) { error = 'Enter the date of the panel day'; parts = ['day'] }
      if (!error && d.iso < todayIso()) { error = 'Panel day must be today or in the future'; parts = ['day'] }
      if (!error && days.includes(d.iso)) { error = 'That day is already a panel day'; parts = ['day'] }
      if (error) {
        await renderPanelDays(ctx, { messages: { 'pd-date': error }, parts, summary: [{ href: `#pd-date-${parts[0]}`, text: error }] }, '', dateValue(v, 'pd-date'))
        return
      }
      await save([...days, d.iso].sort(), `${dateText(d.iso)} was added as a panel day.`)
    })
  }
  document.querySelectorAll('.app-remove-panel-day').forEach((btn) => btn.addEventListener('click', async () => {
    await save(days.filter((d) => d !== btn.dataset.day), `${dateText(btn.dataset.day)} is no longer a panel day.`)
  }))
}

export async function renderRota (ctx) {
  ctx.show('Rota', rotaPage(await api('/v1/staff/rota')))
}

export const _test = { peoplePage, personPage, rotaPage, panelDaysPage }
