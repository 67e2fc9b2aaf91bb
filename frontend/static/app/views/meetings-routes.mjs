// Routes of the meetings, staff and rota pages (issue 9), so the app's
// router needs one call: routeMeetings(path, ctx, setNav) returns true when
// it handled the path.

import { renderCaseMeetings, renderMeeting, renderMyMeetings } from './meetings.mjs'
import { renderPeople, renderPerson, renderRota, renderPanelDays } from './staff.mjs'

const ID = '([A-Za-z0-9_-]{1,100})'

export async function routeMeetings (path, ctx, setNav) {
  let m
  if ((m = path.match(new RegExp(`^/cases/${ID}/meetings$`)))) {
    setNav(true, 'meetings')
    await renderCaseMeetings(ctx, m[1])
    return true
  }
  if ((m = path.match(new RegExp(`^/meetings/${ID}$`)))) {
    setNav(true, 'meetings')
    await renderMeeting(ctx, m[1])
    return true
  }
  if ((m = path.match(new RegExp(`^/meetings/${ID}/attendance$`)))) {
    setNav(true, 'meetings')
    await (await import('./attendance.mjs')).renderAttendance(ctx, m[1])
    return true
  }
  if ((m = path.match(new RegExp(`^/meetings/${ID}/minutes$`)))) {
    setNav(true, 'meetings')
    await (await import('./minutes.mjs')).renderMinutes(ctx, m[1])
    return true
  }
  if (path === '/my-meetings') {
    setNav(true, 'meetings')
    await renderMyMeetings(ctx)
    return true
  }
  if (path === '/staff') {
    setNav(true, 'staff')
    await renderPeople(ctx)
    return true
  }
  if ((m = path.match(new RegExp(`^/staff/${ID}$`)))) {
    setNav(true, 'staff')
    await renderPerson(ctx, m[1])
    return true
  }
  if (path === '/rota') {
    setNav(true, 'staff')
    await renderRota(ctx)
    return true
  }
  if (path === '/panel-days') {
    setNav(true, 'staff')
    await renderPanelDays(ctx)
    return true
  }
  return false
}
