"""The osTicket story of seed 003 (e2e/tests/osticket_story.rs tells it in raw HTTP), told through
the client that openapi-python-client generates from openapi/openapi.json, as a new user would:
every call goes through the generated functions and models, and every answer is checked for its
status and its content. An answer the document does not describe fails the story (the client
raises on undocumented statuses, and its models refuse bodies that lack a required field).

scripts/generated-client.sh generates the client (the package oxidesk_client), starts the server
and runs this with OXIDESK_URL, OXIDESK_API_KEY (read, write, impersonate and admin scopes),
OXIDESK_ADMIN_USER and OXIDESK_ADMIN_PASSWORD.
"""

import base64
import io
import os
import re
import sys
import traceback

from oxidesk_client import AuthenticatedClient, Client
from oxidesk_client.api.auth import login
from oxidesk_client.api.osticket_staff import (
    client_tickets,
    create_user_osticket,
    staff_reply,
    staff_tickets,
    ticket_index,
    ticket_info,
)
from oxidesk_client.api.tickets import (
    close_ticket,
    create_ticket,
    create_topic,
    download,
    get_ticket,
    list_tickets,
    list_topics,
    pipe_mail,
    reopen_ticket,
    update_ticket,
)
from oxidesk_client.api.users import create_user
from oxidesk_client.models import (
    BTreeMap,
    CreateTicketFormat,
    EntryType,
    LoginRequest,
    StaffReply,
    StatusState,
    Ticket,
    TicketCreate,
    TicketTransition,
    TicketUpdate,
    TopicCreate,
    UserCreate,
)
from oxidesk_client.types import UNSET, File

CUSTOMER_NAME = "Michael User2"
CUSTOMER_EMAIL = "michael@example.com"
ATTACHMENT = b"Hello from the attachment"


def expect(response, status):
    """The parsed answer, after checking its status."""
    assert response.status_code == status, (
        f"expected {status}, got {int(response.status_code)}: {response.content[:500]!r}"
    )
    return response.parsed


def total_count(response):
    return int(response.headers["x-total-count"])


def numbers(tickets):
    return [t.ticket_number for t in tickets]


def entries_after(ticket, skip):
    return ticket.threads[skip:]


class Story:
    """The people of the story (a program's key, the administrator) and what it has made so far."""

    def __init__(self, url, key, admin_user, admin_password):
        # raise_on_unexpected_status: a status the document does not list for the operation fails.
        self.url = url
        self.program = AuthenticatedClient(
            base_url=url, token=key, prefix="", auth_header_name="X-API-Key", raise_on_unexpected_status=True
        )
        self.admin_user = admin_user
        self.admin_password = admin_password
        self.admin = None
        self.customer_id = None
        self.number = None
        self.agent_id = None

    def ticket(self, number=None):
        return expect(get_ticket.sync_detailed(number or self.number, client=self.program), 200)

    # --- the customer and their ticket -------------------------------------------------------

    def register_the_customer(self):
        body = UserCreate(name=CUSTOMER_NAME, email=CUSTOMER_EMAIL, phone="4254441212X123")
        user = expect(create_user.sync_detailed(client=self.program, body=body), 201)
        assert (user.email, user.fullname) == (CUSTOMER_EMAIL, CUSTOMER_NAME), user
        assert (user.firstname, user.lastname, user.phone) == ("Michael", "User2", "4254441212X123"), user
        assert (user.level, user.level_name) == (1, "Authorized user"), user
        assert user.username in (None, UNSET), f"a user made from an email has no user name yet: {user}"
        self.customer_id = user.id

    def open_a_ticket_for_the_customer(self):
        data_url = "data:text/plain;base64," + base64.b64encode(ATTACHMENT).decode()
        body = TicketCreate(
            name=CUSTOMER_NAME,
            email=CUSTOMER_EMAIL,
            subject="Testing API",
            message="My original message",
            topic_id=2,
            priority="High",
            attachments=[BTreeMap.from_dict({"notes.txt": data_url})],
            ip="192.0.2.10",
            alert=True,
            autorespond=True,
            user_id=self.customer_id,
        )
        response = create_ticket.sync_detailed(client=self.program, body=body, format_=CreateTicketFormat.JSON)
        ticket = expect(response, 201)
        assert isinstance(ticket, Ticket), f"format=json answers the ticket, got {ticket!r}"
        assert re.fullmatch(r"TCK-\d+", ticket.ticket_number), ticket.ticket_number
        assert response.headers["location"] == f"/api/tickets.json/{ticket.ticket_number}"
        assert (ticket.subject, ticket.ticket_status, ticket.user.id) == ("Testing API", "Open", self.customer_id)
        self.number = ticket.ticket_number

    def find_it_by_the_customers_email_and_id(self):
        response = list_tickets.sync_detailed(client=self.program, email=CUSTOMER_EMAIL)
        assert numbers(expect(response, 200)) == [self.number] and total_count(response) == 1
        response = list_tickets.sync_detailed(client=self.program, user_id=self.customer_id)
        listed = expect(response, 200)
        assert numbers(listed) == [self.number] and total_count(response) == 1
        assert listed[0].user.id == self.customer_id
        assert len(listed[0].threads) == 1, "threads are included by default"
        response = list_tickets.sync_detailed(client=self.program, user_id=self.customer_id, threads=False)
        assert expect(response, 200)[0].threads == [], "threads=false leaves them out"
        response = list_tickets.sync_detailed(client=self.program, email="nobody@example.com")
        assert expect(response, 200) == [] and total_count(response) == 0

    def read_it_by_number_and_by_digits(self):
        t = self.ticket()
        assert (t.ticket_number, t.subject, t.ticket_status, t.status_id) == (self.number, "Testing API", "Open", 1)
        assert t.status_state == StatusState.OPEN
        assert (t.priority, t.topic, t.topic_id, t.department, t.queue_id) == ("High", "Feedback", 2, "Support", 1)
        assert (t.user.id, t.user.email, t.user.fullname) == (self.customer_id, CUSTOMER_EMAIL, CUSTOMER_NAME)
        assert t.close_timestamp in (None, UNSET) and t.resolution in (None, UNSET), t
        assert t.assigned_to == []
        [first] = t.threads
        assert first.type_ == EntryType.M and first.body == "My original message" and first.message.body == first.body
        assert (first.user_id, first.poster) == (self.customer_id, CUSTOMER_NAME)
        [file] = first.attachments
        assert (file.filename, file.content_type, file.size) == ("notes.txt", "text/plain", len(ATTACHMENT))
        assert self.ticket(self.number.removeprefix("TCK-")).ticket_number == self.number

    def download_the_attachment(self):
        [file] = self.ticket().threads[0].attachments
        response = download.sync_detailed(file.id, client=self.program)
        content = expect(response, 200)
        assert isinstance(content, File) and content.payload.read() == ATTACHMENT, content
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment") and "notes.txt" in disposition, disposition

    def the_customer_writes_by_id_then_by_email(self):
        before = self.ticket()
        for n, acting in enumerate([{"user_id": self.customer_id}, {"email": CUSTOMER_EMAIL}], start=1):
            message = f"My updated message using {next(iter(acting))}"
            body = TicketUpdate(message=message, **acting)
            t = expect(update_ticket.sync_detailed(self.number, client=self.program, body=body), 200)
            [added] = entries_after(t, len(before.threads) + n - 1)
            assert (added.type_, added.body) == (EntryType.M, message), added
            assert (added.user_id, added.poster) == (self.customer_id, CUSTOMER_NAME), added
            assert t.version > before.version + n - 1, "a reply bumps the version"
            assert t.ticket_status == "Open", "a customer's message leaves the ticket open"

    def the_customer_closes_it(self):
        before = len(self.ticket().threads)
        body = TicketTransition(user_id=self.customer_id)
        assert expect(close_ticket.sync_detailed(self.number, client=self.program, body=body), 204) is None
        t = self.ticket()
        assert (t.ticket_status, t.status_id, t.status_state) == ("Closed", 3, StatusState.CLOSED)
        assert isinstance(t.close_timestamp, str) and t.resolution == "Closed by user", t
        [event] = entries_after(t, before)
        assert (event.type_, event.title, event.body) == (EntryType.E, "Status Changed", "Closed by user")
        # Closing a closed ticket changes nothing.
        expect(close_ticket.sync_detailed(self.number, client=self.program, body=body), 204)
        assert self.ticket().to_dict() == t.to_dict(), "closing a closed ticket changed it"

    def the_customer_reopens_it(self):
        before = len(self.ticket().threads)
        body = TicketTransition(user_id=self.customer_id)
        t = expect(reopen_ticket.sync_detailed(self.number, client=self.program, body=body), 200)
        assert (t.ticket_number, t.ticket_status, t.status_id) == (self.number, "Open", 1), t
        assert t.status_state == StatusState.OPEN
        assert t.close_timestamp in (None, UNSET) and t.resolution in (None, UNSET), t
        [event] = entries_after(t, before)
        assert (event.type_, event.title) == (EntryType.E, "Status Changed")
        assert self.ticket().to_dict() == t.to_dict(), "the reopen answer is the stored ticket"

    def the_program_closes_and_reopens_it_without_a_body(self):
        # The bodies are optional: the program acts as itself.
        assert expect(close_ticket.sync_detailed(self.number, client=self.program), 204) is None
        assert self.ticket().status_state == StatusState.CLOSED
        t = expect(reopen_ticket.sync_detailed(self.number, client=self.program), 200)
        assert (t.ticket_status, t.status_state) == ("Open", StatusState.OPEN), t

    # --- an agent takes it -------------------------------------------------------------------

    def the_administrator_signs_in(self):
        anonymous = Client(base_url=self.url, raise_on_unexpected_status=True)
        body = LoginRequest(username=self.admin_user, password=self.admin_password)
        session = expect(login.sync_detailed(client=anonymous, body=body), 200)
        assert session.token_type == "Bearer" and session.expires_in > 0, session
        assert (session.user.username, session.user.level) == (self.admin_user, 6), session.user
        self.admin = AuthenticatedClient(base_url=self.url, token=session.access_token, raise_on_unexpected_status=True)

    def the_administrator_adds_an_agent(self):
        body = UserCreate(
            username="agent.smith",
            name="Agent Smith",
            email="smith@example.com",
            password="a long agent passphrase",
            level=3,
        )
        agent = expect(create_user.sync_detailed(client=self.admin, body=body), 201)
        assert (agent.level, agent.level_name, agent.username) == (3, "Agent", "agent.smith"), agent
        self.agent_id = agent.id
        mine = expect(staff_tickets.sync_detailed(client=self.program, staff_user_name="agent.smith"), 200)
        assert (mine.status_code, mine.tickets) == ("0", []), "nothing is assigned yet"

    def the_ticket_is_assigned_to_the_agent(self):
        body = TicketUpdate(assignee_ids=[self.agent_id])
        t = expect(update_ticket.sync_detailed(self.number, client=self.program, body=body), 200)
        [assignee] = t.assigned_to
        assert (assignee.id, assignee.name, assignee.username) == (self.agent_id, "Agent Smith", "agent.smith")
        mine = expect(staff_tickets.sync_detailed(client=self.program, staff_user_name="agent.smith"), 200)
        assert (mine.status_code, mine.status_msg, numbers(mine.tickets)) == ("0", "success", [self.number])
        response = list_tickets.sync_detailed(client=self.program, assignee=str(self.agent_id))
        assert numbers(expect(response, 200)) == [self.number] and total_count(response) == 1

    def staff_add_an_internal_note(self):
        before = len(self.ticket().threads)
        body = TicketUpdate(message="Her laptop is on the blocklist", type_="note")
        t = expect(update_ticket.sync_detailed(self.number, client=self.program, body=body), 200)
        [note] = entries_after(t, before)
        assert (note.type_, note.body) == (EntryType.N, "Her laptop is on the blocklist"), note
        assert t.last_response_timestamp in (None, UNSET), "a note is no response"

    def the_agent_answers_and_resolves_it(self):
        before = len(self.ticket().threads)
        body = StaffReply(
            ticket_number=self.number,
            response="ticket issue is resolved!",
            reply_status_id=2,
            staff_user_name="agent.smith",
            ip_address="::1",
        )
        status = expect(staff_reply.sync_detailed(client=self.program, body=body), 200)
        assert (status.status_code, status.status_msg) == ("0", "reply posted successfully"), status
        t = self.ticket()
        assert (t.ticket_status, t.status_id, t.status_state) == ("Resolved", 2, StatusState.RESOLVED)
        assert isinstance(t.last_response_timestamp, str), t
        added = entries_after(t, before)
        [response] = [e for e in added if e.type_ == EntryType.R]
        assert response.body == "ticket issue is resolved!", response
        assert (response.staff_id, response.poster) == (self.agent_id, "Agent Smith"), response
        [event] = [e for e in added if e.type_ == EntryType.E]
        assert event.title == "Status Changed" and "Open" in event.body and "Resolved" in event.body, event
        assert len(added) == 2, added

    def the_staff_endpoints_show_it(self):
        t = self.ticket()
        info = expect(ticket_info.sync_detailed(client=self.program, ticket_number=self.number), 200)
        assert info.status_code == "0" and info.ticket.to_dict() == t.to_dict(), info
        theirs = expect(client_tickets.sync_detailed(client=self.program, client_user_mail=CUSTOMER_EMAIL), 200)
        assert (theirs.status_code, numbers(theirs.tickets)) == ("0", [self.number]), theirs
        assert theirs.tickets[0].ticket_status == "Resolved"
        index = expect(ticket_index.sync_detailed(client=self.program), 200)
        assert any(self.number in pair for row in index for pair in row), f"the index lists it: {index}"
        response = list_tickets.sync_detailed(client=self.program, email=CUSTOMER_EMAIL, status="resolved")
        assert numbers(expect(response, 200)) == [self.number] and total_count(response) == 1

    def staff_register_a_user_the_osticket_way(self):
        body = UserCreate(
            phone="4254441212X123",
            notes="Mynotes",
            name="john doe",
            email="new.user@example.com",
            password="the password of john",
            timezone="America/Los_Angeles",
        )
        user = expect(create_user_osticket.sync_detailed(client=self.admin, body=body), 201)
        assert (user.name, user.email, user.phone) == ("john doe", "new.user@example.com", "4254441212X123"), user

    # --- help topics and mail ----------------------------------------------------------------

    def topics_route_tickets_to_their_queue(self):
        topics = expect(list_topics.sync_detailed(client=self.program), 200)
        assert sorted(t.id for t in topics) == [1, 2, 3, 4], topics
        feedback = next(t for t in topics if t.id == 2)
        assert feedback.value == "Feedback" and feedback.queue, feedback
        body = TopicCreate(value="Printer problems", queue_id=2)
        topic = expect(create_topic.sync_detailed(client=self.program, body=body), 201)
        assert (topic.value, topic.queue_id, topic.queue, topic.active) == ("Printer problems", 2, "Sales", True)
        assert topic.id > 4
        assert topic.to_dict() in [t.to_dict() for t in expect(list_topics.sync_detailed(client=self.program), 200)]
        again = TopicCreate(value="Printer problems")
        refused = expect(create_topic.sync_detailed(client=self.program, body=again), 422)
        assert "value" in refused.error.fields.to_dict(), refused
        assert len(expect(list_topics.sync_detailed(client=self.program), 200)) == 5, "nothing was added"
        body = TicketCreate(
            name="Grace Hopper",
            email="grace@example.com",
            subject="Paper jam",
            message="Tray 2 jams",
            topic_id=topic.id,
        )
        t = expect(create_ticket.sync_detailed(client=self.program, body=body, format_=CreateTicketFormat.JSON), 201)
        assert (t.topic_id, t.topic, t.queue_id, t.department) == (topic.id, "Printer problems", 2, "Sales"), t
        response = list_tickets.sync_detailed(client=self.program, queue=2)
        assert numbers(expect(response, 200)) == [t.ticket_number] and total_count(response) == 1

    def a_piped_mail_opens_a_ticket(self):
        # As in osTicket, a stranger's piped mail opens a ticket of their own (the key vouches for
        # it); the same mail again is 200 with the same number; the customer's mail opens theirs.
        stranger = mail_file("Ada <ada@example.com>", "stranger-1")
        response = pipe_mail.sync_detailed(client=self.program, body=stranger)
        theirs = expect(response, 201)
        assert response.headers["x-oxidesk-outcome"] == "ticket", response.headers
        assert self.ticket(theirs).user.email == "ada@example.com"
        again = pipe_mail.sync_detailed(client=self.program, body=mail_file("Ada <ada@example.com>", "stranger-1"))
        assert expect(again, 200) == theirs, "seen before: the same ticket, nothing new"
        response = pipe_mail.sync_detailed(client=self.program, body=mail_file(CUSTOMER_EMAIL, "engine-1"))
        number = expect(response, 201)
        assert response.headers["x-oxidesk-outcome"] == "ticket", response.headers
        assert re.fullmatch(r"TCK-\d+", number), f"the answer is the new ticket's number: {number!r}"
        t = self.ticket(number)
        assert (t.subject, t.user.id, t.source) == ("Engine stalls", self.customer_id, "Email"), t
        assert t.threads[0].type_ == EntryType.M and "step 7" in t.threads[0].body, t.threads[0]


def mail_file(sender, message_id):
    """A mail as an MTA pipes it: the whole message, as bytes."""
    mail = (
        f"From: {sender}\r\nTo: support@example.com\r\nSubject: Engine stalls\r\n"
        f"Message-ID: <{message_id}@example.com>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nThe analytical engine stalls at step 7.\r\n"
    )
    return File(payload=io.BytesIO(mail.encode()), file_name="mail.eml", mime_type="message/rfc822")


STEPS = [
    Story.register_the_customer,
    Story.open_a_ticket_for_the_customer,
    Story.find_it_by_the_customers_email_and_id,
    Story.read_it_by_number_and_by_digits,
    Story.download_the_attachment,
    Story.the_customer_writes_by_id_then_by_email,
    Story.the_customer_closes_it,
    Story.the_customer_reopens_it,
    Story.the_program_closes_and_reopens_it_without_a_body,
    Story.the_administrator_signs_in,
    Story.the_administrator_adds_an_agent,
    Story.the_ticket_is_assigned_to_the_agent,
    Story.staff_add_an_internal_note,
    Story.the_agent_answers_and_resolves_it,
    Story.the_staff_endpoints_show_it,
    Story.staff_register_a_user_the_osticket_way,
    Story.topics_route_tickets_to_their_queue,
    Story.a_piped_mail_opens_a_ticket,
]


def main():
    env = os.environ
    story = Story(env["OXIDESK_URL"], env["OXIDESK_API_KEY"], env["OXIDESK_ADMIN_USER"], env["OXIDESK_ADMIN_PASSWORD"])
    passed = 0
    for step in STEPS:
        name = step.__name__.replace("_", " ")
        try:
            step(story)
        except Exception:
            # Each step builds on the ones before: the story stops at its first failure.
            print(f"not ok - {name}", flush=True)
            traceback.print_exc()
            print(f"generated-client: {passed} passed, 1 failed")
            return 1
        passed += 1
        print(f"ok - {name}", flush=True)
    print(f"generated-client: {passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
