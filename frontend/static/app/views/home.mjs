// Home: what needs the signed-in person today, in order of urgency, for
// their role. Business support officers: possible matches to check, new
// referrals to decide (soonest meeting first, short notice flagged), levels
// to record, referrals waiting for an agency. Social workers, team
// managers, service managers and heads of service: the referrals of the
// cases they work on, and for service managers and heads of service the
// levels waiting for them; their meetings (managers and heads of service:
// with the replies they owe) and their actions, overdue flagged; managers
// and heads of service: their team's picture (the risk register of their
// team's cases in numbers). Business support officers: the overdue reviews.
// Everyone who works on cases: their open tasks (supervision, internal risk
// meetings, handovers), soonest due first.
// Assistant directors: the reports. Page title
// "Home" (never a name).

import { html, table, tag } from '../html.mjs'
import { api, hasRole, seesReferrals, ROLE_BSO, SignedOut } from '../api.mjs'
import { roleText, dateText, shortNoticeTag, statusTag, levelText } from '../format.mjs'
import { pick, referralId, personName, isShortNotice } from '../model.mjs'
import { daysBetween, londonDate, daysLeftText } from './facts-view.mjs'


/** The meeting date of a list item, or null. */
function meetingDate (r) {
  return (r.meeting && r.meeting.date) || null
}

/**
 * Most urgent first: a meeting soonest (past ones first: they are overdue),
 * then those without a meeting, oldest received first.
 */
export function byUrgency (items) {
  return items.slice().sort((a, b) => {
    const ma = meetingDate(a)
    const mb = meetingDate(b)
    if (ma && mb && ma !== mb) return ma < mb ? -1 : 1
    if (ma && !mb) return -1
    if (!ma && mb) return 1
    return String(a.receivedAt || '').localeCompare(String(b.receivedAt || ''))
  })
}

function meetingCell (r, today) {
  const d = meetingDate(r)
  if (!d) return 'No meeting yet'
  const left = daysBetween(today, d)
  return html`${dateText(d)}<br><span class="govuk-body-s${left < 14 ? ' govuk-!-font-weight-bold' : ''}">${daysLeftText(left)}</span>${isShortNotice(r) ? html` ${shortNoticeTag()}` : ''}`
}

function listTable (id, caption, items, today, { extra } = {}) {
  return html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
    id,
    caption,
    captionSize: 's',
    head: ['Person', 'Meeting', 'Status', extra ? extra.head : 'Suggested level'],
    rows: items.map((r) => [
      html`<a class="govuk-link" href="/referrals/${encodeURIComponent(referralId(r) || '')}">${personName(r) || 'Referral'}</a>${r.agencyReference ? html`<br><span class="govuk-body-s app-secondary">${r.agencyReference}</span>` : ''}`,
      meetingCell(r, today),
      html`${statusTag(r.status)}${r.possibleMatch ? html` ${tag('Possible match', 'orange')}` : ''}`,
      extra ? extra.cell(r) : (pick(r, 'suggestedLevel') ? levelText(pick(r, 'suggestedLevel')) : 'None suggested')
    ])
  })}</div>`
}

function section ({ id, title, intro, items, empty, today, link, extra, limit = 10 }) {
  return html`<section class="govuk-!-margin-bottom-8" aria-labelledby="${id}-heading" id="${id}">
    <h2 class="govuk-heading-m" id="${id}-heading">${title} <span class="app-count" data-count="${items.length}">(${items.length}${items.length >= 100 ? '+' : ''})</span></h2>
    ${intro ? html`<p class="govuk-body">${intro}</p>` : ''}
    ${items.length === 0
      ? html`<p class="govuk-body app-secondary">${empty}</p>`
      : listTable(`${id}-table`, title, items.slice(0, limit), today, { extra })}
    ${link && items.length > limit ? html`<p class="govuk-body"><a class="govuk-link" href="${link.href}">${link.text}</a></p>` : ''}
  </section>`
}

async function list (status) {
  const data = await api(`/v1/staff/referrals?status=${encodeURIComponent(status)}&limit=100`)
  return (data && data.items) || []
}

/** Tasks soonest due first (overdue ones first of all). */
export function tasksByDue (tasks) {
  return tasks.slice().sort((a, b) => String(a.due || '').localeCompare(String(b.due || '')) || String(a.title || '').localeCompare(String(b.title || '')))
}

function dueCell (t, today) {
  if (!t.due) return 'No date'
  const left = daysBetween(today, t.due)
  const flag = left < 0 ? html` ${tag('Overdue', 'red')}` : left === 0 ? html` ${tag('Due today', 'orange')}` : ''
  return html`${dateText(t.due)}<br><span class="govuk-body-s${left <= 7 ? ' govuk-!-font-weight-bold' : ''}">${daysLeftText(left)}</span>${flag}`
}

/**
 * The person's open tasks (supervision of a new case, the month's internal
 * risk meeting, an emergency one when risk rose, handovers, cover, markers),
 * soonest due first, each linked to its case.
 */
function tasksSection (tasks, today) {
  const items = tasksByDue(tasks)
  return html`<section class="govuk-!-margin-bottom-8" aria-labelledby="your-tasks-heading" id="your-tasks">
    <h2 class="govuk-heading-m" id="your-tasks-heading">Your tasks <span class="app-count" data-count="${items.length}">(${items.length})</span></h2>
    <p class="govuk-body">Work given to you (and, for business support officers, to the team): supervising new cases, internal risk meetings, handovers and more. Soonest due first.</p>
    ${items.length === 0
      ? html`<p class="govuk-body app-secondary">You have no open tasks.</p>`
      : html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Your tasks (scrolls sideways on a small screen)">${table({
        id: 'your-tasks-table',
        caption: 'Your open tasks',
        captionSize: 's',
        head: ['Task', 'Due', 'Case'],
        rows: items.map((t) => [
          t.title || 'Task',
          dueCell(t, today),
          t.caseId ? html`<a class="govuk-link" href="/cases/${encodeURIComponent(t.caseId)}/meetings">Open the case<span class="govuk-visually-hidden">: ${t.title || 'task'}</span></a>` : ''
        ])
      })}</div>`}
  </section>`
}

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', minute: '2-digit', hour12: true })

function meetingWhen (m) {
  const t = m.start ? LONDON_TIME.format(new Date(m.start)).replace(/\s/g, '').toLowerCase() : (m.time || '')
  return `${dateText(m.date)}${t ? ` at ${t}` : ''}`
}

/**
 * The person's meetings from today on, soonest first; for managers and heads
 * of service, whether they still owe a reply to the invitation (replies: the
 * meeting id -> their reply, for the meetings that were looked up).
 */
export function myMeetingsSection (meetings, today, { replies = {}, managers = false } = {}) {
  const items = (meetings || []).filter((m) => m.status === 'scheduled' && String(m.date || '') >= today)
    .sort((a, b) => String(a.start || a.date).localeCompare(String(b.start || b.date)))
  const owed = items.filter((m) => replies[m.id] === 'awaiting')
  return html`<section class="govuk-!-margin-bottom-8" aria-labelledby="my-meetings-heading" id="my-meetings">
    <h2 class="govuk-heading-m" id="my-meetings-heading">Your meetings <span class="app-count" data-count="${items.length}">(${items.length})</span></h2>
    ${managers ? html`<p class="govuk-body" id="replies-owed">${owed.length ? html`<strong>You owe a reply to ${owed.length} ${owed.length === 1 ? 'invitation' : 'invitations'}.</strong> Use the Accept or Decline link in the invitation email, or tell the business support officers who goes instead.` : 'You owe no reply to the invitations shown here.'}</p>` : ''}
    ${items.length === 0
      ? html`<p class="govuk-body app-secondary">You are not invited to any meeting yet.</p>`
      : html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Your meetings (scrolls sideways on a small screen)">${table({
          id: 'my-meetings-table',
          caption: 'Your meetings, soonest first',
          captionSize: 's',
          head: managers ? ['Meeting', 'When', 'Your reply'] : ['Meeting', 'When'],
          rows: items.slice(0, 10).map((m) => {
            const left = daysBetween(today, m.date)
            const row = [
              html`<a class="govuk-link" href="/meetings/${encodeURIComponent(m.id)}">Level ${m.level} ${m.kind === 'initial' ? 'first meeting' : 'review'}</a>${m.notice && m.notice.short ? html` ${tag('Short notice', 'red')}` : ''}`,
              html`${meetingWhen(m)}<br><span class="govuk-body-s${left <= 7 ? ' govuk-!-font-weight-bold' : ''}">${daysLeftText(left)}</span>`
            ]
            if (managers) {
              const r = replies[m.id]
              row.push(r === 'awaiting' ? tag('Reply owed', 'red') : r === 'accepted' ? tag('Accepted', 'green') : r === 'declined' ? tag('Declined', 'grey') : 'No invitation yet')
            }
            return row
          })
        })}</div>`}
    <p class="govuk-body"><a class="govuk-link" href="/my-meetings">See all your meetings</a></p>
  </section>`
}

/** The person's open actions, soonest due first, overdue flagged. */
export function myActionsSection (actions, today) {
  const items = (actions || []).slice().sort((a, b) => String(a.due || '').localeCompare(String(b.due || '')))
  return html`<section class="govuk-!-margin-bottom-8" aria-labelledby="my-actions-heading" id="my-actions">
    <h2 class="govuk-heading-m" id="my-actions-heading">Your actions <span class="app-count" data-count="${items.length}">(${items.length})</span></h2>
    ${items.length === 0
      ? html`<p class="govuk-body app-secondary">You have no open actions from meetings.</p>`
      : html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Your actions (scrolls sideways on a small screen)">${table({
          id: 'my-actions-table',
          caption: 'Actions agreed at meetings that you own, soonest due first',
          captionSize: 's',
          head: ['Action', 'Due', 'Case'],
          rows: items.map((a) => [
            a.text || 'Action',
            dueCell(a, today),
            a.caseId ? html`<a class="govuk-link" href="/cases/${encodeURIComponent(a.caseId)}">Open the case record<span class="govuk-visually-hidden">: ${a.text || 'action'}</span></a>` : ''
          ])
        })}</div>`}
  </section>`
}

/** The team's picture: the register of the cases the manager may see, in numbers. */
export function teamPictureSection (c) {
  if (!c) return ''
  const light = c.byLight || {}
  return html`<section class="govuk-!-margin-bottom-8" aria-labelledby="team-picture-heading" id="team-picture">
    <h2 class="govuk-heading-m" id="team-picture-heading">Your team’s picture</h2>
    <p class="govuk-body">The open cases of you and your team: ${c.total} in all, <strong>${c.overdue}</strong> with the review overdue.</p>
    <div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
      id: 'team-picture-table',
      caption: 'Your team’s open cases by traffic light',
      captionSize: 's',
      head: ['RED', 'AMBER', 'GREEN', 'Not set', 'Review overdue'],
      numeric: [0, 1, 2, 3, 4],
      rows: [[String(light.red || 0), String(light.amber || 0), String(light.green || 0), String(light.none || 0), String(c.overdue || 0)]]
    })}</div>
    <p class="govuk-body"><a class="govuk-link" href="/register?sort=rag">See your team’s cases in the risk register</a>${c.overdue ? html` or <a class="govuk-link" href="/register?overdue=true">only those overdue</a>` : ''}</p>
  </section>`
}

/** Overdue reviews (business support officers): from the risk register. */
export function overdueReviewsSection (rows) {
  if (!rows) return ''
  return html`<section class="govuk-!-margin-bottom-8" aria-labelledby="overdue-reviews-heading" id="overdue-reviews">
    <h2 class="govuk-heading-m" id="overdue-reviews-heading">Overdue reviews <span class="app-count" data-count="${rows.length}">(${rows.length}${rows.length >= 10 ? '+' : ''})</span></h2>
    ${rows.length === 0
      ? html`<p class="govuk-body app-secondary">No review is overdue.</p>`
      : html`<ul class="govuk-list" id="overdue-reviews-list">${rows.map((r) => html`<li><a class="govuk-link" href="/cases/${encodeURIComponent(r.caseId)}">${[r.person && r.person.givenNames, r.person && r.person.familyName].filter(Boolean).join(' ') || 'Case'}</a>: ${r.nextReview ? html`${r.nextReview.basis === 'booked' ? 'meeting on' : 'due by'} ${dateText(r.nextReview.date)} ${tag(`${-r.nextReview.days} ${-r.nextReview.days === 1 ? 'day' : 'days'} overdue`, 'red')}` : ''}</li>`)}</ul>
        <p class="govuk-body"><a class="govuk-link" href="/register?overdue=true">See every overdue review in the risk register</a></p>`}
  </section>`
}

/** The home page's sections for the roles of who, from the lists. */
export function homeSections (who, lists, today) {
  const out = roleSections(who, lists, today)
  if (hasRole(who, ROLE_BSO) && lists.overdue) out.push(overdueReviewsSection(lists.overdue))
  if (lists.myMeetings) out.push(myMeetingsSection(lists.myMeetings, today, { replies: lists.replies || {}, managers: isManager(who) }))
  if (lists.actions && !hasRole(who, ROLE_BSO)) out.push(myActionsSection(lists.actions, today))
  if (lists.team && isManager(who)) out.push(teamPictureSection(lists.team))
  if (lists.tasks) out.push(tasksSection(lists.tasks, today))
  return out
}

function isManager (who) {
  return ['team-manager', 'service-manager', 'head-of-service'].some((r) => hasRole(who, r))
}

/** A part of the home page that may fail alone (null: left out). */
async function optional (promise) {
  try {
    return await promise
  } catch (err) {
    if (err instanceof SignedOut) throw err
    console.warn(err)
    return null
  }
}

/** The reply the signed-in person owes or gave to each of the first meetings. */
async function repliesOf (meetings, subject, today) {
  const people = await optional(api('/v1/staff/people'))
  const me = ((people && people.people) || []).find((p) => p.subject === subject)
  if (!me) return {}
  const next = (meetings || []).filter((m) => m.status === 'scheduled' && String(m.date || '') >= today).slice(0, 5)
  const out = {}
  await Promise.all(next.map(async (m) => {
    const r = await optional(api(`/v1/staff/meetings/${encodeURIComponent(m.id)}/replies`))
    const mine = ((r && r.invitations) || []).find((i) => i.staffId === me.id && !i.removed)
    if (mine) out[m.id] = mine.reply
  }))
  return out
}

function roleSections (who, lists, today) {
  const { received = [], classified = [], moreInformation = [], accepted = [] } = lists
  const out = []
  const open = byUrgency([...received, ...classified])
  if (hasRole(who, ROLE_BSO)) {
    const matches = open.filter((r) => r.possibleMatch)
    const toDecide = open.filter((r) => !r.possibleMatch)
    const shortNotice = byUrgency([...open, ...moreInformation]).filter((r) => isShortNotice(r) && meetingDate(r) && daysBetween(today, meetingDate(r)) >= 0)
    if (shortNotice.length) {
      out.push(section({ id: 'short-notice', title: 'Short-notice meetings', intro: 'Meetings less than 14 days after the invitation came. Telephone the single point of contact and make sure someone can attend.', items: shortNotice, today, empty: '' }))
    }
    out.push(section({ id: 'possible-matches', title: 'Possible matches to check', intro: 'The person may already have a case. Compare them and decide before accepting.', items: matches, today, empty: 'No possible matches are waiting.' }))
    out.push(section({ id: 'to-decide', title: 'New referrals to decide', intro: 'Soonest meeting first. Accept, ask for more information or decline.', items: toDecide, today, empty: 'No new referrals are waiting for a decision.', link: { href: '/referrals?status=classified', text: 'See all new referrals' } }))
    out.push(section({ id: 'awaiting-agency', title: 'Waiting for the referring agency', intro: 'You asked for more information. The agency has been emailed; its answer brings the referral back to you.', items: byUrgency(moreInformation), today, empty: 'Nothing is waiting for an agency.', link: { href: '/referrals?status=more-information-needed', text: 'See all referrals waiting for more information' } }))
    out.push(section({ id: 'accepted', title: 'Accepted referrals', intro: 'Record the level the MAPPA meeting decides on each referral’s page.', items: byUrgency(accepted), today, empty: 'No accepted referrals yet.', link: { href: '/referrals?status=accepted', text: 'See all accepted referrals' } }))
    return out
  }
  if (hasRole(who, 'service-manager') || hasRole(who, 'head-of-service')) {
    const level = hasRole(who, 'head-of-service') ? 3 : 2
    out.push(section({ id: 'levels', title: 'Levels to confirm', intro: `Accepted referrals of your cases. You decide the level of management (you attend level ${level} meetings).`, items: byUrgency(accepted), today, empty: 'No accepted referrals of your cases are waiting.' }))
  }
  if (seesReferrals(who)) {
    out.push(section({
      id: 'my-cases',
      title: hasRole(who, 'social-worker') ? 'Referrals about your children’s offenders' : 'Referrals of your team’s cases',
      intro: 'Referrals about people whose cases you work on, soonest meeting first. Read the referral before the meeting.',
      items: byUrgency([...open, ...moreInformation]),
      today,
      empty: 'There are no open referrals about the cases you work on.'
    }))
  }
  return out
}

/** The risk register in numbers (assistant directors: counts, no names). */
export function registerCountsPanel (c) {
  if (!c) return ''
  const light = c.byLight || {}
  const level = c.byLevel || {}
  return html`<section id="register-counts" aria-labelledby="register-counts-heading" class="govuk-!-margin-bottom-8">
    <h2 class="govuk-heading-m" id="register-counts-heading">The risk register today</h2>
    <p class="govuk-body">${c.total} open ${c.total === 1 ? 'case' : 'cases'}; <strong>${c.overdue}</strong> with the review overdue.</p>
    <div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
      id: 'register-counts-table',
      caption: 'Open cases by traffic light and level',
      captionSize: 's',
      head: ['', 'RED', 'AMBER', 'GREEN', 'Not set', 'Level 1', 'Level 2', 'Level 3', 'Level not confirmed'],
      numeric: [1, 2, 3, 4, 5, 6, 7, 8],
      rows: [['Cases', ...['red', 'amber', 'green', 'none'].map((k) => String(light[k] || 0)), ...['1', '2', '3', 'none'].map((k) => String(level[k] || 0))]]
    })}</div>
  </section>`
}

function reportsPanel () {
  return html`<section id="reports-panel" aria-labelledby="reports-heading">
    <h2 class="govuk-heading-m" id="reports-heading">Reports for the Strategic Management Board</h2>
    <p class="govuk-body">Referrals received, short notice, decisions and the level mix, by month: each as a chart with its table and a CSV download.</p>
    <p class="govuk-body"><a class="govuk-link" href="/reports">Open the reports</a></p>
  </section>`
}

function toolsPanel (who) {
  return html`<h2 class="govuk-heading-m">Other things you can do</h2>
    <ul class="govuk-list">
      ${hasRole(who, ROLE_BSO) ? html`<li><a class="govuk-link" href="/referrals/new">Enter a referral that came by email</a></li>` : ''}
      ${seesReferrals(who) ? html`<li><a class="govuk-link" href="/referrals">See every referral you may see, by status</a></li>` : ''}
      ${hasRole(who, 'administrator') ? html`<li><a class="govuk-link" href="/audit">Read the audit: who viewed or changed a case, or what a person did</a></li>` : ''}
      ${seesReferrals(who) ? html`<li><a class="govuk-link" href="/register">See the risk register: open cases by traffic light and next review</a></li>` : ''}
      <li><a class="govuk-link" href="/eligibility">Check whether someone is eligible for MAPPA</a></li>
    </ul>`
}

export function homePage (who, name, sections, { counts } = {}) {
  const roles = (who && who.roles) || []
  return html`
    <span class="govuk-caption-l">${roles.map(roleText).join(', ') || 'Signed in'}</span>
    <h1 class="govuk-heading-l">${name ? `Hello, ${name.split(' ')[0]}` : 'Home'}</h1>
    <p class="govuk-body-l">What needs you today, most urgent first.</p>
    ${hasRole(who, 'assistant-director') ? reportsPanel() : ''}
    ${hasRole(who, 'assistant-director') ? registerCountsPanel(counts) : ''}
    ${sections}
    ${!seesReferrals(who) && !hasRole(who, 'assistant-director') ? html`<p class="govuk-body" id="no-cases">Your role does not work on MAPPA cases in this service.</p>` : ''}
    ${toolsPanel(who)}`
}

export async function renderHome (ctx, name) {
  const who = ctx.who
  const lists = {}
  const today = londonDate(new Date())
  if (seesReferrals(who)) {
    const bso = hasRole(who, ROLE_BSO)
    const [received, classified, moreInformation, accepted, work, myMeetings, team, overdue] = await Promise.all([
      ...['received', 'classified', 'more-information-needed', 'accepted'].map(list),
      // A member of staff not (yet) in the directory has no tasks: the
      // rest of the page still shows.
      api('/v1/staff/my/work').catch(() => null),
      bso ? null : optional(api('/v1/staff/my/meetings?limit=100')),
      isManager(who) ? optional(api('/v1/staff/register/counts')) : null,
      bso ? optional(api('/v1/staff/register?overdue=true&limit=10')) : null
    ])
    Object.assign(lists, { received, classified, moreInformation, accepted, team, myMeetings: myMeetings && myMeetings.meetings, overdue: overdue && overdue.items })
    if (work) {
      lists.tasks = work.tasks || []
      lists.actions = work.actions || []
    }
    if (isManager(who) && lists.myMeetings) lists.replies = await repliesOf(lists.myMeetings, who && who.subject, today)
  }
  let counts = null
  if (hasRole(who, 'assistant-director')) {
    try {
      counts = await api('/v1/staff/register/counts')
    } catch (err) {
      if (err instanceof SignedOut) throw err
      console.error(err)
    }
  }
  ctx.show('Home', homePage(who, name, homeSections(who, lists, today), { counts }))
}

export const _test = { homePage, homeSections, byUrgency, tasksByDue, myMeetingsSection, myActionsSection, teamPictureSection, overdueReviewsSection }
