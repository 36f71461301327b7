"""Generated mail: threads between the user and about a quarter of the people (every
"O'Brien" among them, so Marta O'Brien and her deals have mail in the demo), most linked to
one of the person's deals, each of one to four messages, replies quoting the one before.

Bodies are HTML as mail clients write it: links, quoted replies (a <blockquote> after an
"On …, … wrote:" line, or "> " lines), non-ASCII (ü, 日本, emoji). One message carries
hostile markup (Rich markup, ANSI escapes, an OSC 8 link, <script>, bidi overrides) and one a
body of about 1 MB; both in Marta O'Brien's threads (else the first O'Brien's). From a random stream of its own
(so a seed's deals, persons and the rest do not change).
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from tui.sandbox.mailbox import ms_time, party
from tui.sandbox.state import Obj, State

SUBJECTS = (
    "Proposal for {deal}",
    "Pricing question – Grüße aus München",
    "日本 office rollout: next steps",
    "Quick question about the contract 🎉",
    "Meeting notes ({deal})",
    "Follow-up: onboarding plan",
    "Invoice and payment terms",
)
SENTENCES = (
    "Thanks for the call earlier today, it was good to go through the figures together.",
    "Could you send over the updated quote with the volume discount we discussed?",
    "Our legal team had a look at the draft and has two small comments (see below).",
    "Wir freuen uns auf die Zusammenarbeit – die Unterlagen folgen morgen.",
    "The Tokyo team (東京チーム) would like to join the next meeting 🙂",
    "Can we move the kickoff to next Thursday? Monday is a public holiday here.",
    "I attached the spreadsheet with the seats per department; ünits are per month.",
)
HOSTILE = (
    "<p>[bold red]URGENT[/] please read [link=https://evil.example/]this[/link] now</p>"
    "<p>\x1b[31mred text\x1b[0m and \x1b]8;;https://evil.example/\x07a hidden link\x1b]8;;\x07 "
    "and a clear screen \x1b[2J here</p>"
    "<script>alert('pwned')</script><style>p {{ color: red }}</style>"
    "<p>Invoice attached: invoice_\u202egpj.exe\u202c – please approve</p>"
    "<p>Grüße, 日本語のテキスト 🎉 — {sender}</p>"
)
BIG_PARAGRAPH = (
    "<p>Section {n}: the tender documents describe the delivery schedule, the service levels and "
    "the penalties in detail. Prices are quoted in EUR (Ünits per month), see "
    '<a href="https://docs.example.com/tender/section-{n}">section {n} online</a>. 日本 🎉</p>\n'
)
BIG_SIZE = 1_000_000


def _text(body: str) -> str:
    """The body as the plain text of a snippet (stdlib only: tags dropped, entities decoded)."""
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    body = re.sub(r"(?is)<blockquote\b.*", " ", body)  # the snippet is the new text
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _body(rng: random.Random, first: str, sender: str, n: int) -> str:
    picked = rng.sample(SENTENCES, 2)
    return (
        f"<p>Hi {html.escape(first)},</p><p>{html.escape(picked[0])}</p><p>{html.escape(picked[1])}</p>"
        f'<p>Details: <a href="https://docs.example.com/proposal/{n}">the proposal</a> · '
        f'<a href="https://calendar.example.com/book?u={n}&amp;lang=de">book a call</a></p>'
        f"<p>Best regards,<br>{html.escape(sender)}</p>"
    )


def _quote(rng: random.Random, prev: Obj, prev_body: str) -> str:
    who = prev["from"][0]
    when = prev["message_time"][:16].replace("T", " ")
    head = f"On {when}, {html.escape(who['name'])} &lt;{html.escape(who['email_address'])}&gt; wrote:"
    if rng.random() < 0.6:
        return f"<div>{head}</div><blockquote>{prev_body}</blockquote>"
    lines = _text(prev_body)
    chunks = [lines[i : i + 70] for i in range(0, min(len(lines), 420), 70)]
    return f"<p>{head}<br>" + "<br>".join("&gt; " + html.escape(c) for c in chunks) + "</p>"


def _big_body(sender: str) -> str:
    parts = ["<p>Hi,</p><p>Here is the full text of the tender, as promised.</p>"]
    size, n = 0, 0
    while size < BIG_SIZE:
        n += 1
        chunk = BIG_PARAGRAPH.format(n=n)
        parts.append(chunk)
        size += len(chunk)
    parts.append(f"<p>Best regards,<br>{html.escape(sender)}</p>")
    return "".join(parts)


def add(st: State, seed: int, now: datetime) -> None:
    rng = random.Random(seed * 7919 + 101)
    me = st.users.get(st.me_id) or {}
    me_party = (me.get("email") or "me@demo.example", me.get("name") or "Me")
    persons = [p for p in sorted(st.persons.values(), key=lambda p: p["id"]) if p.get("emails") and not p.get("is_deleted")]
    chosen = [p for p in persons if "O'Brien" in p["name"] or rng.random() < 0.25]
    special = next((p for p in chosen if p["name"] == "Marta O'Brien"), None) or next(
        (p for p in chosen if "O'Brien" in p["name"]), chosen[0] if chosen else None
    )
    ids = {"thread": 0, "message": 0, "party": 0}

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    deals_of: dict[int, list[int]] = {}  # person id -> their deals' ids, in order (one pass, not one per person)
    for d in sorted(st.deals.values(), key=lambda d: d["id"]):
        if d.get("person_id") is not None and not d.get("is_deleted"):
            deals_of.setdefault(d["person_id"], []).append(d["id"])
    for person in chosen:
        deals = deals_of.get(person["id"], [])
        if person is special:
            links: list[int | None] = [*deals[:3], None]
        else:
            links = [rng.choice(deals) if deals and rng.random() < 0.7 else None for _ in range(rng.randint(1, 2))]
        for t_index, deal_id in enumerate(links):
            hostile = person is special and t_index == 0
            big = person is special and t_index == 1
            _thread(st, rng, now, person, deal_id, me_party, next_id, hostile=hostile, big=big)


def _thread(
    st: State,
    rng: random.Random,
    now: datetime,
    person: Obj,
    deal_id: int | None,
    me: tuple[str, str],
    new: Callable[[str], int],
    *,
    hostile: bool,
    big: bool,
) -> None:
    tid = new("thread")
    deal = st.deals.get(deal_id or 0)
    subject = rng.choice(SUBJECTS).format(deal=deal["title"] if deal else "our project")
    count = 3 if hostile or big else rng.randint(1, 4)
    start = now - timedelta(days=rng.randint(2, 80), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
    email = next((e["value"] for e in person["emails"] if e.get("primary")), person["emails"][0]["value"])
    them = (email, person["name"])
    first = person["name"].split()[0]
    incoming = rng.random() < 0.5
    prev: Obj | None = None
    prev_body = ""
    when = start
    thread: Obj = {
        "id": tid,
        "account_id": "demo-account",
        "user_id": st.me_id,
        "version": 1,
        "subject": subject,
        "snippet_draft": None,
        "has_attachments_flag": 0,
        "has_inline_attachments_flag": 0,
        "has_real_attachments_flag": 0,
        "has_draft_flag": 0,
        "archived_flag": 0,
        "deleted_flag": 0,
        "shared_flag": 1,
        "synced_flag": 1,
        "external_deleted_flag": 0,
        "smart_bcc_flag": 0,
        "first_message_to_me_flag": 1 if incoming else 0,
        "mail_link_tracking_enabled_flag": 0,
        "drafts_parties": [],
        "folders": ["inbox"],
        "deal_id": deal_id,
        "add_time": ms_time(_fmt(start)),
        "update_time": ms_time(_fmt(start)),
    }
    st.mail_threads[tid] = thread
    for i in range(count):
        last = i == count - 1
        if hostile and last:
            incoming = True
        sender, receiver = (them, me) if incoming else (me, them)
        sender_first = first if not incoming else me[1].split()[0]
        if hostile and last:
            body = HOSTILE.format(sender=html.escape(sender[1]))
        elif big and last:
            body = _big_body(sender[1])
        else:
            body = _body(rng, sender_first, sender[1], tid * 10 + i)
        if prev is not None and not (big and last):
            body += _quote(rng, prev, prev_body)
        mid = new("message")
        stamp = ms_time(_fmt(when))
        msg: Obj = {
            "id": mid,
            "from": [party(new("party"), sender[0], sender[1], person["id"] if incoming else None)],
            "to": [party(new("party"), receiver[0], receiver[1], None if incoming else person["id"])],
            "cc": [],
            "bcc": [],
            "body_url": f"https://mail.example.com/body/{mid}",
            "account_id": "demo-account",
            "user_id": st.me_id,
            "mail_thread_id": tid,
            "subject": subject if i == 0 else f"Re: {subject}",
            "snippet": _text(body)[:225],
            "mail_tracking_status": None,
            "mail_link_tracking_enabled_flag": 0,
            "read_flag": 1,
            "draft": None,
            "draft_flag": 0,
            "synced_flag": 1,
            "deleted_flag": 0,
            "has_body_flag": 1,
            "sent_flag": 0 if incoming else 1,
            "sent_from_pipedrive_flag": 0,
            "smart_bcc_flag": 0,
            "message_time": stamp,
            "add_time": stamp,
            "update_time": stamp,
            "has_attachments_flag": 0,
            "has_inline_attachments_flag": 0,
            "has_real_attachments_flag": 0,
            "_body": body,
        }
        st.mail_messages[mid] = msg
        thread["update_time"] = stamp
        prev, prev_body = msg, body
        incoming = not incoming
        when = min(when + timedelta(hours=rng.randint(2, 70), minutes=rng.randint(0, 59)), now - timedelta(minutes=5 * (count - i)))


def _fmt(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
