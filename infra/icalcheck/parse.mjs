// Parses an iCalendar object from stdin with ical.js (a full RFC 5545
// parser) and prints what a calendar client would read from it as JSON.
// On top of the parser it enforces what ical.js tolerates but RFC 5545
// requires and Outlook relies on: CRLF line ends, content lines of at most
// 75 octets, PRODID/VERSION/METHOD, UID/DTSTAMP/SEQUENCE, and a VTIMEZONE
// for every TZID used. Exits 1 with a message on any failure.
import ICAL from 'ical.js';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const raw = Buffer.concat(chunks);
const text = raw.toString('utf8');

function fail(msg) {
  process.stderr.write('icalcheck: ' + msg + '\n');
  process.exit(1);
}

if (!text.endsWith('\r\n')) fail('the object must end with CRLF');
const physical = text.slice(0, -2).split('\r\n');
physical.forEach((l, i) => {
  if (l.includes('\n') || l.includes('\r')) fail(`line ${i + 1}: bare CR or LF`);
  if (Buffer.byteLength(l, 'utf8') > 75) fail(`line ${i + 1}: longer than 75 octets`);
  if (l === '') fail(`line ${i + 1}: empty line`);
});

let comp;
try {
  comp = new ICAL.Component(ICAL.parse(text));
} catch (e) {
  fail('parse: ' + e.message);
}
if (comp.name !== 'vcalendar') fail('not a VCALENDAR');
for (const p of ['prodid', 'version', 'method']) {
  if (!comp.hasProperty(p)) fail('VCALENDAR lacks ' + p.toUpperCase());
}
if (comp.getFirstPropertyValue('version') !== '2.0') fail('VERSION must be 2.0');

const zones = {};
for (const vtz of comp.getAllSubcomponents('vtimezone')) {
  const tz = new ICAL.Timezone(vtz);
  zones[tz.tzid] = tz;
  ICAL.TimezoneService.register(vtz);
}
const events = comp.getAllSubcomponents('vevent');
if (events.length !== 1) fail(`want exactly one VEVENT, got ${events.length}`);
const ev = events[0];
for (const p of ['uid', 'dtstamp', 'dtstart', 'sequence', 'summary', 'organizer']) {
  if (!ev.hasProperty(p)) fail('VEVENT lacks ' + p.toUpperCase());
}
for (const p of ['dtstart', 'dtend']) {
  const prop = ev.getFirstProperty(p);
  if (!prop) continue;
  const tzid = prop.getParameter('tzid');
  if (tzid && !zones[tzid]) fail(`${p.toUpperCase()} uses TZID ${tzid} with no VTIMEZONE`);
}
const event = new ICAL.Event(ev);
const out = {
  method: comp.getFirstPropertyValue('method'),
  prodid: comp.getFirstPropertyValue('prodid'),
  timezones: Object.keys(zones),
  uid: event.uid,
  sequence: event.sequence,
  summary: event.summary,
  location: event.location || '',
  description: event.description || '',
  url: ev.getFirstPropertyValue('url') || '',
  status: ev.getFirstPropertyValue('status') || '',
  start: event.startDate.toJSDate().toISOString(),
  end: event.endDate.toJSDate().toISOString(),
  startTzid: event.startDate.timezone || event.startDate.zone?.tzid || '',
  organizer: ev.getFirstPropertyValue('organizer'),
  attendees: ev.getAllProperties('attendee').map((a) => ({
    value: a.getFirstValue(),
    role: a.getParameter('role'),
    partstat: a.getParameter('partstat'),
  })),
};
process.stdout.write(JSON.stringify(out));
