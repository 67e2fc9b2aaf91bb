// Meetings pages (issue 9): a case's meetings as a timeline with its
// children, actions and tasks; a meeting (details, attendees with the rule
// that chose each and their checklist, reassign, move, cancel, actions,
// history); my meetings. Page titles never carry personal data.

import { html, summaryList, table, tag, errorSummary, warningText, radios, textarea, input, dateInput, select, button, notificationBanner, checkboxes } from '../html.mjs'
import { api, ApiError, hasRole, ROLE_BSO } from '../api.mjs'
import { dateText, dateTimeText, timeText, roleText } from '../format.mjs'
import { formValues, text, readDate, mapProblems, dateParts } from '../forms.mjs'

const RULES = {
  'ROTA-CONTINUITY': 'Continuity',
  'ROTA-BACKUP': 'Backup for this meeting',
  'ROTA-LEAST-LOADED': 'Fewest individuals',
  'ROTA-CHILD-SW': "Child's social worker",
  'ROTA-CHILD-SUPERVISOR': "Social worker's manager",
  'ROTA-L1-SW': 'Level 1: social worker',
  'ROTA-OVERRIDE': 'Reassigned',
  'ROTA-NOBODY-AVAILABLE': 'Nobody available'
}
const CLOSE_REASONS = [
  { value: 'done', text: 'Done' },
  { value: 'circumstances-changed', text: 'Circumstances changed' },
  { value: 'not-done-by-agency', text: 'Not done by the agency' }
]
const enc = encodeURIComponent

export function ruleText (r) { return RULES[r] || r }

function nameOf (names, id) {
  if (!id) return 'Not known'
  return (names && names[id]) || id
}

function statusTag (m) {
  if (m.status === 'cancelled') return tag('Cancelled', 'grey')
  if (m.status === 'held') return tag('Held', 'green')
  return tag('Scheduled', 'blue')
}

export function whenText (m) {
  return `${dateText(m.date)} at ${timeText(m.start)}`
}

function problemsOf (err, fields) {
  if (err instanceof ApiError && err.status === 422) return mapProblems(err.fieldErrors, fields)
  if (err instanceof ApiError && err.status === 409) return { messages: {}, summary: [{ href: null, text: err.message }] }
  throw err
}

/** Posts a form's body; on 422 re-renders with errors via onErrors. */
async function submit (form, build, fields, onErrors, onDone) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const values = formValues(form)
    const { body, dateErrors = {} } = build(values)
    const dateMsgs = Object.keys(dateErrors)
    if (dateMsgs.length) {
      const summary = dateMsgs.map((id) => ({ href: `#${id}-${dateErrors[id].parts[0]}`, text: dateErrors[id].error }))
      onErrors({ messages: Object.fromEntries(dateMsgs.map((id) => [id, dateErrors[id].error])), summary }, values)
      return
    }
    try {
      const res = await body()
      await onDone(res)
    } catch (err) {
      onErrors(problemsOf(err, fields), values)
    }
  })
}

// ---------------------------------------------------------------- case meetings

const MEETING_FIELDS = [
  { id: 'm-level', pointers: ['/level'], label: 'Level', required: 'Select the level of the meeting' },
  { id: 'm-date', pointers: ['/date'], label: 'Date', required: 'Enter the date of the meeting', href: '#m-date-day' },
  { id: 'm-time', pointers: ['/time'], label: 'Time', required: 'Enter the time of the meeting, like 10:00' },
  { id: 'm-place', pointers: ['/place'], label: 'Place', required: 'Enter the place of the meeting or a link to join it' },
  { id: 'm-link', pointers: ['/link'], label: 'Link' },
  { id: 'm-chair', pointers: ['/chair'], label: 'Chair' },
  { id: 'm-lead', pointers: ['/leadAgency'], label: 'Lead agency' },
  { id: 'm-release', pointers: ['/releaseDate'], label: 'Release date', href: '#m-release-day' }
]

function meetingForm (errors, v) {
  v = v || {}
  const e = (errors && errors.messages) || {}
  return html`<form id="meeting-form" novalidate>
    ${radios({ id: 'm-level', name: 'level', legend: 'Level of management', legendSize: 's', inline: true, error: e['m-level'], value: v.level || '2',
      items: [{ value: '1', text: 'Level 1' }, { value: '2', text: 'Level 2' }, { value: '3', text: 'Level 3' }] })}
    ${radios({ id: 'm-kind', name: 'kind', legend: 'Kind of meeting', legendSize: 's', inline: true, value: v.kind || 'review',
      items: [{ value: 'initial', text: 'First meeting' }, { value: 'review', text: 'Review' }] })}
    ${dateInput({ id: 'm-date', legend: 'Date', hint: 'For example, 27 3 2027', error: e['m-date'], value: { day: v['m-date-day'], month: v['m-date-month'], year: v['m-date-year'] } })}
    ${input({ id: 'm-time', name: 'time', label: 'Time (UK time)', hint: 'Use the 24-hour clock, for example 10:00 or 14:30', width: 5, error: e['m-time'], value: v.time || '' })}
    ${input({ id: 'm-place', name: 'place', label: 'Place', error: e['m-place'], value: v.place || '' })}
    ${input({ id: 'm-link', name: 'link', label: 'Link to join (optional)', type: 'url', error: e['m-link'], value: v.link || '' })}
    ${input({ id: 'm-chair', name: 'chair', label: 'Chair (optional)', error: e['m-chair'], value: v.chair || '' })}
    ${input({ id: 'm-lead', name: 'leadAgency', label: 'Lead agency (optional)', error: e['m-lead'], value: v.leadAgency || '' })}
    ${checkboxes({ id: 'm-flags', legend: 'About the person', small: true, items: [
      { name: 'custody', value: 'true', text: 'In custody (reviews follow the release or parole date)', checked: v.custody === 'true' },
      { name: 'known', value: 'true', text: 'The person or the children are known to children\'s services', checked: v.known === 'true' }
    ] })}
    ${dateInput({ id: 'm-release', legend: 'Release date (if in custody)', error: e['m-release'], value: { day: v['m-release-day'], month: v['m-release-month'], year: v['m-release-year'] } })}
    ${button('Record the meeting')}
  </form>`
}

function levelForm (errors = { messages: {} }, bso = false) {
  const e = (errors && errors.messages) || {}
  return html`<form id="level-form" novalidate>
    ${radios({ id: 'l-level', name: 'level', legend: 'New level of management', legendSize: 's', inline: true, error: e['l-level'],
      items: [{ value: '1', text: 'Level 1' }, { value: '2', text: 'Level 2' }, { value: '3', text: 'Level 3' }] })}
    ${textarea({ id: 'l-reason', name: 'reason', label: 'Why', error: e['l-reason'], rows: 3 })}
    ${bso ? dateInput({ id: 'l-meeting', legend: 'Date of the MAPPA meeting that decided it', hint: 'Business support officers record the level a meeting decided', error: e['l-meeting'] }) : ''}
    ${button('Change the level', { secondary: true })}
  </form>`
}

const LEVEL_FIELDS = [
  { id: 'l-level', pointers: ['/level'], label: 'Level', required: 'Select the new level' },
  { id: 'l-reason', pointers: ['/reason'], label: 'Reason', required: 'Enter why the level changes' },
  { id: 'l-meeting', pointers: ['/meetingDate'], label: 'Meeting date', required: 'Enter the date of the meeting that decided the level', href: '#l-meeting-day' }
]

const CHILD_FIELDS = [
  { id: 'c-given', pointers: ['/givenNames'], label: 'Given names', required: 'Enter the child\'s given names' },
  { id: 'c-family', pointers: ['/familyName'], label: 'Family name', required: 'Enter the child\'s family name' },
  { id: 'c-dob', pointers: ['/dateOfBirth'], label: 'Date of birth', href: '#c-dob-day' },
  { id: 'c-number', pointers: ['/councilNumber'], label: 'Council number' },
  { id: 'c-rel', pointers: ['/relationship'], label: 'Relationship', required: 'Enter the child\'s relationship to the person' },
  { id: 'c-sw', pointers: ['/socialWorkerId'], label: 'Allocated social worker' },
  { id: 'c-team', pointers: ['/team'], label: 'Team' }
]

function childForm (people, errors, v) {
  v = v || {}
  const e = (errors && errors.messages) || {}
  const opt = (role) => [{ value: '', text: 'None' }, ...people.filter((p) => (p.roles || []).includes(role)).map((p) => ({ value: p.id, text: p.name }))]
  return html`<form id="child-form" novalidate>
    ${input({ id: 'c-given', name: 'givenNames', label: 'Given names', error: e['c-given'], value: v.givenNames || '' })}
    ${input({ id: 'c-family', name: 'familyName', label: 'Family name', error: e['c-family'], value: v.familyName || '' })}
    ${dateInput({ id: 'c-dob', legend: 'Date of birth (optional)', error: e['c-dob'], value: { day: v['c-dob-day'], month: v['c-dob-month'], year: v['c-dob-year'] } })}
    ${input({ id: 'c-number', name: 'councilNumber', label: 'Council number (optional)', hint: 'A child already recorded with this number is matched to that record', width: 10, error: e['c-number'], value: v.councilNumber || '' })}
    ${input({ id: 'c-rel', name: 'relationship', label: 'Relationship to the person', error: e['c-rel'], value: v.relationship || '' })}
    ${checkboxes({ id: 'c-open', legend: 'Children\'s social care', small: true, items: [{ name: 'open', value: 'true', text: 'Open to children\'s social care', checked: v.open === 'true' }] })}
    ${select({ id: 'c-sw', name: 'socialWorkerId', label: 'Allocated social worker', error: e['c-sw'], value: v.socialWorkerId || '', items: opt('social-worker') })}
    ${select({ id: 'c-sup', name: 'supervisorId', label: 'Practice supervisor or team manager', value: v.supervisorId || '', items: opt('team-manager') })}
    ${input({ id: 'c-team', name: 'team', label: 'Team (optional)', error: e['c-team'], value: v.team || '' })}
    ${button(v.editing ? 'Save the child' : 'Add the child', { secondary: true })}
  </form>`
}

export function timeline (meetings, names) {
  if (!meetings.length) return html`<p class="govuk-body" id="no-meetings">No meetings recorded yet.</p>`
  return html`<div class="moj-timeline" id="meetings-timeline">
    ${meetings.map((m) => html`<div class="moj-timeline__item">
      <div class="moj-timeline__header">
        <h3 class="moj-timeline__title"><a class="govuk-link" href="/meetings/${enc(m.id)}">Level ${m.level} ${m.kind === 'initial' ? 'first meeting' : 'review'}</a> ${statusTag(m)} ${m.notice && m.notice.short ? tag('Short notice', 'red') : ''}</h3>
      </div>
      <p class="moj-timeline__date"><time datetime="${m.start}">${whenText(m)}</time></p>
      <div class="moj-timeline__description">
        <p class="govuk-body">${m.place || m.link || ''}</p>
        ${(m.attendees || []).length ? html`<p class="govuk-body">Council attendees: ${m.attendees.map((a) => nameOf(names, a.staffId)).join(', ')}</p>` : ''}
        ${(m.gaps || []).length ? html`<p class="govuk-body">${tag('Nobody available', 'red')} for ${m.gaps.length} place${m.gaps.length > 1 ? 's' : ''}</p>` : ''}
      </div>
    </div>`)}
  </div>`
}

function workTables (work, names, caseId, canClose) {
  const tasks = work.tasks || []
  const actions = work.actions || []
  return html`
    <h2 class="govuk-heading-m" id="tasks">Tasks</h2>
    ${tasks.length ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'tasks-table', caption: 'Tasks for this case', captionSize: 's',
      head: ['Task', 'Owner', 'Due', 'Status'],
      rows: tasks.map((t) => [
        html`${t.title}${t.fromId ? html`<br><span class="govuk-body-s">From ${nameOf(names, t.fromId)} to ${nameOf(names, t.ownerId)}</span>` : ''}${t.detail ? html`<br><span class="govuk-body-s app-pre-line">${t.detail}</span>` : ''}`,
        t.ownerId ? nameOf(names, t.ownerId) : roleText(t.ownerRole),
        dateText(t.due),
        t.status === 'open'
          ? (canClose ? html`<form class="app-close-task" data-task="${t.id}" data-case="${caseId}" novalidate>
            ${select({ id: `close-task-${t.id}`, name: 'reason', label: 'Close with reason', items: CLOSE_REASONS })}
            ${button('Close', { secondary: true })}</form>` : tag('Open', 'blue'))
          : html`${tag('Closed', 'grey')} ${closeText(t.closeReason)}`
      ]) })}</div>` : html`<p class="govuk-body">No tasks.</p>`}
    <h2 class="govuk-heading-m" id="actions">Actions agreed at meetings</h2>
    ${actions.length ? actionTable(actions, names, caseId, canClose) : html`<p class="govuk-body">No actions.</p>`}`
}

function closeText (r) { return (CLOSE_REASONS.find((x) => x.value === r) || {}).text || '' }

function actionTable (actions, names, caseId, canClose) {
  return html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'actions-table', caption: 'Actions', captionSize: 's', head: ['Action', 'Owner', 'Due', 'Status'],
    rows: actions.map((a) => [
      a.text,
      a.ownerId ? nameOf(names, a.ownerId) : a.ownerAgency,
      dateText(a.due),
      a.status === 'open'
        ? (canClose ? html`<form class="app-close-action" data-action="${a.id}" data-case="${caseId}" novalidate>
            ${select({ id: `close-${a.id}`, name: 'reason', label: 'Close with reason', items: CLOSE_REASONS })}
            ${button('Close', { secondary: true })}</form>` : tag('Open', 'blue'))
        : html`${tag('Closed', 'grey')} ${closeText(a.closeReason)}`
    ]) })}</div>`
}

function wireCloseActions (ctx, root, done) {
  root.querySelectorAll('form.app-close-action').forEach((f) => f.addEventListener('submit', async (e) => {
    e.preventDefault()
    const reason = new FormData(f).get('reason')
    await api(`/v1/staff/cases/${enc(f.dataset.case)}/actions/${enc(f.dataset.action)}/close`, { method: 'POST', body: { reason } })
    await done('The action was closed.')
  }))
  root.querySelectorAll('form.app-close-task').forEach((f) => f.addEventListener('submit', async (e) => {
    e.preventDefault()
    const reason = new FormData(f).get('reason')
    await api(`/v1/staff/cases/${enc(f.dataset.case)}/tasks/${enc(f.dataset.task)}/close`, { method: 'POST', body: { reason } })
    await done('The task was closed.')
  }))
}

export async function renderCaseMeetings (ctx, caseId, flash) {
  const [c, page, kids, work, people] = await Promise.all([
    api(`/v1/staff/cases/${enc(caseId)}`),
    api(`/v1/staff/cases/${enc(caseId)}/meetings?limit=100`),
    api(`/v1/staff/cases/${enc(caseId)}/children`),
    api(`/v1/staff/cases/${enc(caseId)}/work`),
    api('/v1/staff/people')
  ])
  const names = { ...(page.names || {}), ...(work.names || {}) }
  const bso = hasRole(ctx.who, ROLE_BSO)
  const canLevel = bso || hasRole(ctx.who, 'service-manager') || hasRole(ctx.who, 'head-of-service')
  const person = c.person || {}
  const draw = (mErr, mVals, lErr, cErr, cVals) => {
    const errs = [...((mErr && mErr.summary) || []), ...((lErr && lErr.summary) || []), ...((cErr && cErr.summary) || [])]
    ctx.show('Case meetings', html`
      ${errorSummary(errs)}
      ${flash ? notificationBanner({ success: true, heading: flash }) : ''}
      <span class="govuk-caption-l">${[person.givenNames, person.familyName].filter(Boolean).join(' ') || 'Case'}</span>
      <h1 class="govuk-heading-l">Meetings, children and tasks</h1>
      <p class="govuk-body"><a class="govuk-link" href="/cases/${enc(caseId)}">Back to the case record</a></p>
      ${summaryList([{ key: 'Level of management', value: c.level ? `Level ${c.level}` : 'Not confirmed yet', id: 'case-level' }])}
      <h2 class="govuk-heading-m" id="timeline">Meetings</h2>
      ${timeline(page.meetings || [], names)}
      ${bso ? html`<details class="govuk-details" id="record-meeting"${mErr ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Record a meeting</span></summary>
        <div class="govuk-details__text">${meetingForm(mErr, mVals)}</div></details>` : ''}
      ${bso && (c.referrals || []).length ? html`<details class="govuk-details" id="from-referral"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Record a meeting from a referral's invitation</span></summary>
        <div class="govuk-details__text"><ul class="govuk-list">${c.referrals.map((r, i) => html`<li><form class="app-from-referral" data-referral="${r.id}" novalidate>${button(`Record the meeting invited by referral ${i + 1} (received ${dateText(String(r.receivedAt || '').slice(0, 10))})`, { secondary: true })}</form></li>`)}</ul></div></details>` : ''}
      ${bso ? html`<details class="govuk-details" id="marker"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Request a MAPPA marker on the adult's council file</span></summary>
        <div class="govuk-details__text"><form id="marker-form" novalidate>
          ${input({ id: 'mk-number', name: 'caseNumber', label: 'Council case number of the adult', width: 10 })}
          ${textarea({ id: 'mk-reason', name: 'reason', label: 'Reason', rows: 2 })}
          ${button('Request the marker', { secondary: true })}
        </form></div></details>` : ''}
      ${canLevel ? html`<details class="govuk-details" id="change-level"${lErr ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Change the level of management</span></summary>
        <div class="govuk-details__text">${levelForm(lErr, bso)}</div></details>` : ''}
      <h2 class="govuk-heading-m" id="children">Associated children</h2>
      ${(kids.children || []).length ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'children-table', caption: 'Children linked to the person', captionSize: 's',
        head: ['Child', 'Date of birth', 'Council number', 'Relationship', 'Open to children\'s social care', 'Social worker and team'],
        rows: kids.children.map((k) => [html`${k.givenNames} ${k.familyName}<br><button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 app-change-child" data-child="${k.id}">Change<span class="govuk-visually-hidden"> ${k.givenNames} ${k.familyName}</span></button>`,
          k.dateOfBirth ? dateText(k.dateOfBirth) : undefined, k.councilNumber, k.relationship,
          k.openToChildrensSocialCare ? 'Yes' : 'No', [nameOf(kids.names, k.socialWorkerId), k.team].filter((x) => x && x !== 'Not known').join(', ') || undefined]) })}</div>`
        : html`<p class="govuk-body">No children recorded.</p>`}
      <details class="govuk-details" id="add-child"${cErr || (cVals && cVals.editing) ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">${cVals && cVals.editing ? 'Change the child' : 'Add a child'}</span></summary>
        <div class="govuk-details__text">${childForm(people.people || [], cErr, cVals)}</div></details>
      ${workTables(work, names, caseId, true)}`, { focus: !errs.length })
    wire(cVals)
  }
  const wire = (cVals) => {
    const mf = document.getElementById('meeting-form')
    if (mf) {
      submit(mf, (v) => {
        const d = readDate(v, 'm-date', 'Date')
        const rd = readDate(v, 'm-release', 'Release date')
        const dateErrors = {}
        if (d.error) dateErrors['m-date'] = d
        if (rd.error) dateErrors['m-release'] = rd
        const body = { level: Number(v.level || 0), kind: v.kind || 'review', date: d.iso, time: text(v, 'time'), place: text(v, 'place'), link: text(v, 'link'),
          chair: text(v, 'chair'), leadAgency: text(v, 'leadAgency'), custody: v.custody === 'true', knownToCouncil: v.known === 'true', releaseDate: rd.iso }
        Object.keys(body).forEach((k) => body[k] === undefined && delete body[k])
        return { dateErrors, body: () => api(`/v1/staff/cases/${enc(caseId)}/meetings`, { method: 'POST', body }) }
      }, MEETING_FIELDS, (err, vals) => draw(err, vals), async (res) => ctx.navigate(`/meetings/${enc(res.meeting.id)}`))
    }
    const lf = document.getElementById('level-form')
    if (lf) {
      submit(lf, (v) => {
        const md = readDate(v, 'l-meeting', 'Meeting date')
        const body = { action: 'set', level: Number(v.level || 0), reason: text(v, 'reason') }
        if (md.iso) body.meetingDate = md.iso
        return { dateErrors: md.error ? { 'l-meeting': md } : {}, body: () => api(`/v1/staff/cases/${enc(caseId)}/level`, { method: 'POST', body }) }
      }, LEVEL_FIELDS, (err) => draw(null, null, err), async (res) => {
        // The rota function picks up the change within seconds.
        await new Promise((resolve) => setTimeout(resolve, 1500))
        await renderCaseMeetings(ctx, caseId, `The case is now at level ${res.level}.`)
      })
    }
    const cf = document.getElementById('child-form')
    if (cf) {
      submit(cf, (v) => {
        const dob = readDate(v, 'c-dob', 'Date of birth')
        const body = { givenNames: text(v, 'givenNames') || '', familyName: text(v, 'familyName') || '', relationship: text(v, 'relationship') || '',
          councilNumber: text(v, 'councilNumber'), openToChildrensSocialCare: v.open === 'true', socialWorkerId: text(v, 'socialWorkerId'),
          supervisorId: text(v, 'supervisorId'), team: text(v, 'team'), dateOfBirth: dob.iso }
        Object.keys(body).forEach((k) => body[k] === undefined && delete body[k])
        const editing = cf.dataset.editing
        if (editing) body.version = Number(cf.dataset.version) || undefined
        return {
          dateErrors: dob.error ? { 'c-dob': dob } : {},
          body: () => editing
            ? api(`/v1/staff/cases/${enc(caseId)}/children/${enc(editing)}`, { method: 'PUT', body })
            : api(`/v1/staff/cases/${enc(caseId)}/children`, { method: 'POST', body })
        }
      }, CHILD_FIELDS, (err, vals) => draw(null, null, null, err, { ...vals, editing: cf.dataset.editing, version: cf.dataset.version }), async (res) =>
        renderCaseMeetings(ctx, caseId, cf.dataset.editing ? 'The child was changed.' : (res.matched ? 'The child was already recorded (same council number) and is now linked to this case.' : 'The child was added.')))
      if (cVals && cVals.editing) {
        cf.dataset.editing = cVals.editing
        cf.dataset.version = cVals.version || ''
      }
    }
    document.querySelectorAll('.app-change-child').forEach((b) => b.addEventListener('click', () => {
      const k = (kids.children || []).find((x) => x.id === b.dataset.child)
      if (!k) return
      const [y, mo, d] = (k.dateOfBirth || '').split('-')
      draw(null, null, null, null, {
        editing: k.id, version: String(k.version || ''), givenNames: k.givenNames, familyName: k.familyName, councilNumber: k.councilNumber || '',
        relationship: k.relationship, open: k.openToChildrensSocialCare ? 'true' : '', socialWorkerId: k.socialWorkerId || '', supervisorId: k.supervisorId || '',
        team: k.team || '', 'c-dob-day': d ? String(Number(d)) : '', 'c-dob-month': mo ? String(Number(mo)) : '', 'c-dob-year': y || ''
      })
      const d2 = document.getElementById('add-child')
      if (d2) d2.open = true
      const f = document.getElementById('c-given')
      if (f) f.focus()
    }))
    document.querySelectorAll('form.app-from-referral').forEach((f) => submit(f, () => ({
      body: () => api(`/v1/staff/cases/${enc(caseId)}/meetings?fromReferral=${enc(f.dataset.referral)}`, { method: 'POST', body: {} })
    }), [], (err) => draw(err), async (res) => ctx.navigate(`/meetings/${enc(res.meeting.id)}`)))
    const mk = document.getElementById('marker-form')
    if (mk) {
      submit(mk, (v) => ({ body: () => api(`/v1/staff/cases/${enc(caseId)}/marker-requests`, { method: 'POST', body: { caseNumber: text(v, 'caseNumber') || '', reason: text(v, 'reason') || '' } }) }),
        [{ id: 'mk-number', pointers: ['/caseNumber'], label: 'Council case number', required: 'Enter the adult\'s council case number' }, { id: 'mk-reason', pointers: ['/reason'], label: 'Reason', required: 'Enter the reason for the marker' }],
        (err) => draw(err), async () => renderCaseMeetings(ctx, caseId, 'The MAPPA marker request is on the business support officers\' tasks.'))
    }
    wireCloseActions(ctx, document.getElementById('app'), (msg) => renderCaseMeetings(ctx, caseId, msg))
  }
  draw()
}

// ---------------------------------------------------------------- meeting

const MOVE_FIELDS = [
  { id: 'mv-date', pointers: ['/date'], label: 'Date', required: 'Enter the new date', href: '#mv-date-day' },
  { id: 'mv-time', pointers: ['/time'], label: 'Time', required: 'Enter the new time, like 14:00' },
  { id: 'mv-reason', pointers: ['/reason'], label: 'Reason', required: 'Enter why the meeting moves' }
]
const REASSIGN_FIELDS = [
  { id: 'ra-slot', pointers: ['/slot'], label: 'Place' },
  { id: 'ra-staff', pointers: ['/staffId'], label: 'Person', required: 'Choose who attends instead' },
  { id: 'ra-reason', pointers: ['/reason'], label: 'Reason', required: 'Enter why you are reassigning this place' }
]
const CANCEL_FIELDS = [{ id: 'cx-reason', pointers: ['/reason'], label: 'Reason', required: 'Enter why the meeting is cancelled' }]
const EXCUSE_FIELDS = [
  { id: 'ex-staff', pointers: ['/staffId'], label: 'Attendee' },
  { id: 'ex-by', pointers: ['/agreedBy'], label: 'Who agreed', required: 'Select who agreed' },
  { id: 'ex-name', pointers: ['/agreedName'], label: 'Name', required: 'Enter the name of the person who agreed' },
  { id: 'ex-reason', pointers: ['/reason'], label: 'Reason', required: 'Enter the reason' }
]
const ACTION_FIELDS = [
  { id: 'ac-text', pointers: ['/text'], label: 'Action', required: 'Enter the action agreed' },
  { id: 'ac-owner', pointers: ['/ownerId'], label: 'Owner', required: 'Choose who owns the action, or name the agency' },
  { id: 'ac-due', pointers: ['/due'], label: 'Due date', required: 'Enter when the action is due', href: '#ac-due-day' }
]

export function attendeesTable (m, names) {
  return html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'attendees', caption: 'Council attendees and why each was chosen', captionSize: 's',
    head: ['Name', 'Role', 'Chosen by', 'Checklist'],
    rows: (m.attendees || []).map((a) => [
      html`<span data-staff="${a.staffId}">${nameOf(names, a.staffId)}</span>${a.excused ? html`<br>${tag('Excused', 'grey')} <span class="govuk-body-s">agreed by ${a.excused.agreedName}</span>` : ''}`,
      roleText(a.role),
      html`<strong>${ruleText(a.rule)}</strong><br><span class="govuk-body-s app-reason">${a.reason}</span>`,
      `${(a.checklist || []).filter((t) => t.done).length} of ${(a.checklist || []).length} done`
    ]) })}</div>`
}

function myChecklist (m, me) {
  const a = (m.attendees || []).find((x) => x.staffId === me)
  if (!a) return ''
  return html`<h2 class="govuk-heading-m" id="my-checklist">Your checklist before the meeting</h2>
    <form id="checklist-form" novalidate>
      ${checkboxes({ id: 'ck', legend: 'What you have done', legendSize: 's', small: true,
        items: a.checklist.map((t) => ({ name: t.item, value: 'true', text: t.label, checked: t.done })) })}
    </form>`
}

export function meetingPage (b, who, me, people, errs = {}) {
  const m = b.meeting
  const names = b.names || {}
  const bso = hasRole(who, ROLE_BSO)
  const open = m.status === 'scheduled'
  const slots = [{ value: 'senior', text: m.level === 3 ? 'Head of service' : 'Service manager' },
    ...(m.attendees || []).filter((a) => a.slot !== 'senior').map((a) => ({ value: a.slot, text: `Worker for a child (${nameOf(names, a.staffId)})` })),
    ...(m.gaps || []).filter((g) => g.slot !== 'senior').map((g) => ({ value: g.slot, text: 'Worker for a child (nobody available)' }))]
  const groups = ['move', 'reassign', 'cancel', 'action', 'excuse']
  const e = Object.assign({}, ...groups.map((g) => (errs[g] || {}).messages || {}))
  const summary = groups.flatMap((g) => (errs[g] || {}).summary || [])
  const history = (m.history || []).slice().reverse()
  const proposal = b.proposal
  return html`
    ${errorSummary(summary)}
    ${errs.flash ? notificationBanner({ success: true, heading: errs.flash }) : ''}
    <span class="govuk-caption-l">Level ${m.level} ${m.kind === 'initial' ? 'first meeting' : 'review'}</span>
    <h1 class="govuk-heading-l">Meeting on ${whenText(m)}</h1>
    <p class="govuk-body"><a class="govuk-link" href="/cases/${enc(m.caseId)}/meetings">All meetings of this case</a></p>
    ${m.notice && m.notice.short ? warningText(`Short notice: ${m.notice.days} days. Telephone the single point of contact.`) : ''}
    ${summaryList([
      { key: 'Status', value: statusTag(m) },
      { key: 'Level', value: `Level ${m.level}`, id: 'meeting-level' },
      { key: 'Date and time', value: whenText(m), id: 'meeting-when' },
      { key: 'Place', value: m.place || undefined },
      { key: 'Link', value: m.link ? html`<a class="govuk-link" href="${m.link}" rel="noreferrer noopener" target="_blank">${m.link} (opens in new tab)</a>` : undefined },
      { key: 'Chair', value: m.chair || undefined },
      { key: 'Lead agency', value: m.leadAgency || undefined },
      { key: 'Custody', value: m.custody ? `Yes: reviews follow ${m.releaseDate ? 'the release date, ' + dateText(m.releaseDate) : 'the parole eligibility date, ' + dateText(m.paroleEligibilityDate)}` : 'No' },
      { key: 'Notice', value: m.notice ? `${m.notice.days} days` : undefined },
      { key: 'Attendance', value: b.compulsory ? 'Compulsory: first meeting, and neither the person nor the children are known to us' : 'Can be excused with the agreement of the chair or the lead agency' }
    ])}
    <h2 class="govuk-heading-m" id="attendees-heading">Who attends from the council</h2>
    ${b.assigning ? html`<div class="govuk-inset-text" id="assigning">The rota is choosing the attendees. This page updates in a few seconds.</div>` : ''}
    ${(m.gaps || []).map((g) => warningText(`Nobody available: ${g.reason}`))}
    ${(m.attendees || []).length ? attendeesTable(m, names) : (b.assigning ? '' : html`<p class="govuk-body">Nobody from the council is due to attend.</p>`)}
    ${(m.attendees || []).length ? html`<p class="govuk-body"><a class="govuk-link" id="replies-link" href="/meetings/${enc(m.id)}/attendance">Replies and attendance</a></p>` : ''}
    <p class="govuk-body"><a class="govuk-link" id="minutes-link" href="/meetings/${enc(m.id)}/minutes">Minutes record</a> (received, the child-relevant extract, sharing, destruction)</p>
    ${myChecklist(m, me)}
    ${bso && open ? html`
      <details class="govuk-details" id="reassign"${errs.reassign ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Reassign a place</span></summary>
      <div class="govuk-details__text"><form id="reassign-form" novalidate>
        ${select({ id: 'ra-slot', name: 'slot', label: 'Place', items: slots, error: e['ra-slot'] })}
        ${select({ id: 'ra-staff', name: 'staffId', label: 'Who attends instead', error: e['ra-staff'], items: [{ value: '', text: 'Choose someone' }, ...people.map((p) => ({ value: p.id, text: `${p.name} (${roleText(p.role)})` }))] })}
        ${textarea({ id: 'ra-reason', name: 'reason', label: 'Reason', error: e['ra-reason'], rows: 2 })}
        ${button('Reassign', { secondary: true })}
      </form></div></details>
      <details class="govuk-details" id="move"${errs.move ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Move the meeting</span></summary>
      <div class="govuk-details__text"><form id="move-form" novalidate>
        ${dateInput({ id: 'mv-date', legend: 'New date', error: e['mv-date'] })}
        ${input({ id: 'mv-time', name: 'time', label: 'New time (UK time)', hint: 'For example 14:00', width: 5, error: e['mv-time'], value: m.time })}
        ${textarea({ id: 'mv-reason', name: 'reason', label: 'Why it moves', error: e['mv-reason'], rows: 2 })}
        ${button('Move the meeting', { secondary: true })}
      </form></div></details>
      <details class="govuk-details" id="excuse"${errs.excuse ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Excuse an attendee</span></summary>
      <div class="govuk-details__text">${b.compulsory ? html`<p class="govuk-body" id="excuse-compulsory">Attendance cannot be excused: this is the first meeting and neither the person nor the children are known to us.</p>` : html`<form id="excuse-form" novalidate>
        ${select({ id: 'ex-staff', name: 'staffId', label: 'Attendee', error: e['ex-staff'], items: (m.attendees || []).map((a) => ({ value: a.staffId, text: nameOf(names, a.staffId) })) })}
        ${radios({ id: 'ex-by', name: 'agreedBy', legend: 'Who agreed', legendSize: 's', inline: true, error: e['ex-by'], items: [{ value: 'chair', text: 'The chair' }, { value: 'lead-agency', text: 'The lead agency' }] })}
        ${input({ id: 'ex-name', name: 'agreedName', label: 'Name of the person who agreed', error: e['ex-name'] })}
        ${textarea({ id: 'ex-reason', name: 'reason', label: 'Reason', error: e['ex-reason'], rows: 2 })}
        ${button('Record the excusal', { secondary: true })}
      </form>`}</div></details>
      <form id="held-form" novalidate>${button('Record that the meeting was held', { secondary: true })}</form>
      <details class="govuk-details" id="cancel"${errs.cancel ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Cancel the meeting</span></summary>
      <div class="govuk-details__text"><form id="cancel-form" novalidate>
        ${textarea({ id: 'cx-reason', name: 'reason', label: 'Why it is cancelled', error: e['cx-reason'], rows: 2 })}
        ${button('Cancel the meeting', { warning: true })}
      </form></div></details>` : ''}
    <h2 class="govuk-heading-m" id="actions-heading">Open actions of this case</h2>
    ${(b.openActions || []).length ? actionTable(b.openActions, names, m.caseId, true) : html`<p class="govuk-body">No open actions.</p>`}
    <details class="govuk-details" id="add-action"${errs.action ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Record an action agreed</span></summary>
      <div class="govuk-details__text"><form id="action-form" novalidate>
        ${textarea({ id: 'ac-text', name: 'text', label: 'Action', error: e['ac-text'], rows: 2 })}
        ${select({ id: 'ac-owner', name: 'ownerId', label: 'Owner at the council', error: e['ac-owner'], items: [{ value: '', text: 'Another agency' }, ...people.map((p) => ({ value: p.id, text: p.name }))] })}
        ${input({ id: 'ac-agency', name: 'ownerAgency', label: 'Or the agency that owns it' })}
        ${dateInput({ id: 'ac-due', legend: 'Due date', error: e['ac-due'] })}
        ${button('Record the action', { secondary: true })}
      </form></div></details>
    ${proposal ? html`<h2 class="govuk-heading-m" id="next-review">Next review</h2>
      <p class="govuk-body">Proposed: <strong>${dateText(proposal.date)}</strong> (between ${dateText(proposal.window.earliest)} and ${dateText(proposal.window.latest)}${proposal.basis === 'panel-day' ? ', on a panel day' : ''}).</p>` : ''}
    <h2 class="govuk-heading-m" id="history">History</h2>
    <div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'history-table', caption: 'Changes to this meeting, newest first', captionSize: 's', head: ['When', 'What', 'Who', 'Details'],
      rows: history.map((h) => [dateTimeText(h.at), h.kind, nameOf(names, h.actor), [h.from && `from ${h.from}`, h.to && `to ${h.to}`, h.reason].filter(Boolean).join('; ') || undefined]) })}</div>`
}

export async function renderMeeting (ctx, id, state = {}) {
  const [b, people, me] = await Promise.all([api(`/v1/staff/meetings/${enc(id)}`), api('/v1/staff/people'), Promise.resolve(ctx.who && ctx.who.subject)])
  const staff = (people.people || []).filter((p) => p.active)
  if (!ctx.show('Meeting', meetingPage(b, ctx.who, me, staff, state), { focus: !state.move && !state.reassign && !state.cancel && !state.action && !state.quiet })) return
  const again = (s) => renderMeeting(ctx, id, s)
  if (b.assigning && (state.polls || 0) < 20) {
    setTimeout(() => { if (ctx.current()) again({ polls: (state.polls || 0) + 1, quiet: true, flash: state.flash }) }, 600)
  }
  const f = (sel) => document.getElementById(sel)
  if (f('move-form')) {
    submit(f('move-form'), (v) => {
      const d = readDate(v, 'mv-date', 'New date')
      return { dateErrors: d.error ? { 'mv-date': d } : {}, body: () => api(`/v1/staff/meetings/${enc(id)}/move`, { method: 'POST', body: { date: d.iso, time: text(v, 'time') || '', reason: text(v, 'reason') || '' } }) }
    }, MOVE_FIELDS, (err) => again({ move: err }), async () => again({ flash: 'The meeting was moved. The rota checks the attendees again for the new date.' }))
  }
  if (f('reassign-form')) {
    submit(f('reassign-form'), (v) => ({ body: () => api(`/v1/staff/meetings/${enc(id)}/reassign`, { method: 'POST', body: { slot: v.slot, staffId: v.staffId || '', reason: text(v, 'reason') || '' } }) }),
      REASSIGN_FIELDS, (err) => again({ reassign: err }), async () => again({ flash: 'The place was reassigned for this meeting.' }))
  }
  if (f('cancel-form')) {
    submit(f('cancel-form'), (v) => ({ body: () => api(`/v1/staff/meetings/${enc(id)}/cancel`, { method: 'POST', body: { reason: text(v, 'reason') || '' } }) }),
      CANCEL_FIELDS, (err) => again({ cancel: err }), async () => again({ flash: 'The meeting was cancelled.' }))
  }
  if (f('action-form')) {
    submit(f('action-form'), (v) => {
      const d = readDate(v, 'ac-due', 'Due date')
      const body = { text: text(v, 'text') || '', ownerId: text(v, 'ownerId'), ownerAgency: text(v, 'ownerAgency'), due: d.iso }
      Object.keys(body).forEach((k) => body[k] === undefined && delete body[k])
      return { dateErrors: d.error ? { 'ac-due': d } : {}, body: () => api(`/v1/staff/meetings/${enc(id)}/actions`, { method: 'POST', body }) }
    }, ACTION_FIELDS, (err) => again({ action: err }), async () => again({ flash: 'The action was recorded.' }))
  }
  if (f('excuse-form')) {
    submit(f('excuse-form'), (v) => ({ body: () => api(`/v1/staff/meetings/${enc(id)}/excusals`, { method: 'POST', body: { staffId: v.staffId || '', agreedBy: v.agreedBy || '', agreedName: text(v, 'agreedName') || '', reason: text(v, 'reason') || '' } }) }),
      EXCUSE_FIELDS, (err) => again({ excuse: err }), async () => again({ flash: 'The excusal was recorded.' }))
  }
  if (f('held-form')) {
    f('held-form').addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const res = await api(`/v1/staff/meetings/${enc(id)}/held`, { method: 'POST' })
      const n = res.nextReview
      await again({ flash: n ? (n.flagged ? `Recorded as held. The next review (proposed ${dateText(n.date)}) could not be booked: it is on the business support officers' tasks.` : `Recorded as held. The next review is booked for ${dateText(n.date)}${n.basis === 'panel-day' ? ', a panel day' : ''}.`) : 'Recorded as held.' })
    })
  }
  if (f('checklist-form')) {
    f('checklist-form').querySelectorAll('input[type=checkbox]').forEach((box) => box.addEventListener('change', async () => {
      await api(`/v1/staff/meetings/${enc(id)}/checklist`, { method: 'POST', body: { item: box.name, done: box.checked } })
    }))
  }
  wireCloseActions(ctx, document.getElementById('app'), (msg) => again({ flash: msg }))
}

// ---------------------------------------------------------------- my meetings

export async function renderMyMeetings (ctx) {
  const bso = hasRole(ctx.who, ROLE_BSO)
  const [mine, work, all] = await Promise.all([
    api('/v1/staff/my/meetings?limit=100'),
    api('/v1/staff/my/work'),
    bso ? api('/v1/staff/meetings?limit=100') : Promise.resolve(null)
  ])
  const names = { ...(mine.names || {}), ...(work.names || {}) }
  const rows = (ms) => ms.map((m) => [
    html`<a class="govuk-link" href="/meetings/${enc(m.id)}">${whenText(m)}</a>`, `Level ${m.level}`, statusTag(m),
    (m.gaps || []).length ? tag('Nobody available', 'red') : `${(m.attendees || []).length} attending`
  ])
  ctx.show('My meetings', html`
    <h1 class="govuk-heading-l">My meetings</h1>
    ${(mine.meetings || []).length ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'my-meetings', caption: 'Meetings you attend', captionSize: 'm', head: ['When', 'Level', 'Status', 'Council attendees'], rows: rows(mine.meetings) })}</div>`
      : html`<p class="govuk-body">You are not due at any meeting.</p>`}
    ${all ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'upcoming-meetings', caption: 'All meetings in the next 8 weeks', captionSize: 'm', head: ['When', 'Level', 'Status', 'Council attendees'], rows: rows(all.meetings || []) })}</div>` : ''}
    <h2 class="govuk-heading-m">My tasks</h2>
    ${(work.tasks || []).length ? html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'my-tasks', caption: 'Open tasks', captionSize: 's', head: ['Task', 'Case', 'Due'],
      rows: work.tasks.map((t) => [t.title, html`<a class="govuk-link" href="/cases/${enc(t.caseId)}/meetings">Open the case's meetings</a>`, dateText(t.due)]) })}</div>`
      : html`<p class="govuk-body">No open tasks.</p>`}
    <h2 class="govuk-heading-m">My actions</h2>
    ${(work.actions || []).length ? actionTable(work.actions, names, '', false) : html`<p class="govuk-body">No open actions.</p>`}`)
}

export const _test = { meetingPage, timeline, attendeesTable, ruleText, whenText, dateParts }
