import datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.bills import (
    Bill,
    BillStatus,
    add_line,
    add_lines,
    issue_bill,
    mark_balanced,
    remove_line,
    void_bill,
)
from billing_core.charges import (
    Category,
    DocumentKind,
    DocumentRef,
    LineItem,
    PatientAuthorization,
)
from billing_core.errors import (
    AuthorizationRequiredError,
    CurrencyMismatchError,
    InvalidTransitionError,
    NotFoundError,
    UnknownCurrencyError,
    ValidationError,
)
from billing_core.money import Money
from billing_core.parties import Guarantor, Patient, Payer
from billing_core.testing.strategies.documents import bills, line_items, service_dates

DAY = datetime.date(2024, 3, 4)
D30 = datetime.timedelta(days=30)
JANE = Patient(id="P1", name="Jane Roe")
ACME = Payer(id="acme", name="Acme Health")


def line(line_id="L1", category=Category.PROCEDURE, **kwargs):
    return LineItem(
        id=line_id,
        category=category,
        service_date=DAY,
        charge=kwargs.pop("charge", Money("100.00", "USD")),
        **kwargs,
    )


def draft(bill_to=JANE, lines=()):
    return Bill(
        id="B1", account_id="A1", patient_id="P1", bill_to=bill_to, currency="USD", lines=lines
    )


def issued(lines=None):
    return issue_bill(draft(lines=lines or [line()]), DAY, DAY + datetime.timedelta(days=30))


class TestTransitions:
    def test_issue(self):
        bill = issued()
        assert bill.status is BillStatus.ISSUED
        assert (bill.issued_on, bill.due_on) == (DAY, datetime.date(2024, 4, 3))

    def test_issuing_an_empty_bill_is_refused(self):
        with pytest.raises(InvalidTransitionError, match="cannot issue bill 'B1': it has no lines"):
            issue_bill(draft(), DAY, DAY)

    def test_due_before_issue_is_refused(self):
        with pytest.raises(ValidationError, match="due_on: 2024-03-03 is before the issue date"):
            issue_bill(draft(lines=[line()]), DAY, DAY - datetime.timedelta(days=1))

    def test_voiding_a_balanced_bill_is_refused(self):
        with pytest.raises(InvalidTransitionError, match="it is balanced"):
            void_bill(mark_balanced(issued()), "oops")

    def test_void_needs_a_reason(self):
        with pytest.raises(InvalidTransitionError, match="a reason is required"):
            void_bill(issued(), " ")

    def test_void_from_draft_and_issued(self):
        assert void_bill(draft(), "not needed").status is BillStatus.VOID
        voided = void_bill(issued(), "entered in error")
        assert voided.status is BillStatus.VOID
        assert voided.issued_on == DAY  # the history of the dates stays
        with pytest.raises(InvalidTransitionError, match="it is void"):
            void_bill(voided, "again")

    def test_balance_only_from_issued(self):
        with pytest.raises(InvalidTransitionError):
            mark_balanced(draft(lines=[line()]))
        with pytest.raises(InvalidTransitionError):
            mark_balanced(mark_balanced(issued()))

    def test_editing_an_issued_bill_is_refused(self):
        with pytest.raises(InvalidTransitionError, match="only a draft can be edited"):
            add_line(issued(), line("L2"))
        with pytest.raises(InvalidTransitionError, match="only a draft can be edited"):
            remove_line(issued(), "L1")

    def test_add_and_remove_in_draft(self):
        bill = add_lines(draft(), [line("L1"), line("L2")])
        assert [x.id for x in bill.lines] == ["L1", "L2"]
        assert [x.id for x in remove_line(bill, "L1").lines] == ["L2"]
        with pytest.raises(NotFoundError, match="bill 'B1' has no line 'L9'"):
            remove_line(bill, "L9")
        with pytest.raises(ValidationError, match="line id 'L1' is used twice"):
            add_line(bill, line("L1"))

    def test_dates_refuse_a_datetime_naming_the_field(self):
        stamp = datetime.datetime(2024, 3, 4, 9, 30)
        with pytest.raises(TypeError, match=r"bill 'B1'\.issued_on must be a datetime\.date"):
            issue_bill(draft(lines=[line()]), stamp, DAY)
        with pytest.raises(TypeError, match=r"bill 'B1'\.due_on"):
            issue_bill(draft(lines=[line()]), DAY, "2024-04-03")

    def test_transitions_return_new_bills(self):
        d = draft(lines=[line()])
        issue_bill(d, DAY, DAY)
        assert d.status is BillStatus.DRAFT


class TestIllegalStates:
    def test_draft_with_dates(self):
        with pytest.raises(ValidationError, match="issued_on: must not be set on a draft"):
            attrs.evolve(draft(), issued_on=DAY)

    def test_issued_without_lines(self):
        with pytest.raises(ValidationError, match="needs at least one line"):
            Bill(
                id="B1",
                account_id="A1",
                patient_id="P1",
                bill_to=JANE,
                currency="USD",
                status=BillStatus.ISSUED,
                issued_on=DAY,
                due_on=DAY,
            )

    def test_void_without_reason(self):
        with pytest.raises(ValidationError, match="a void bill needs a reason"):
            attrs.evolve(draft(), status=BillStatus.VOID)

    def test_currency_mismatch_names_the_line(self):
        with pytest.raises(CurrencyMismatchError, match=r"line 2 \('L2'\)\.charge is in EUR"):
            draft(lines=[line(), line("L2", charge=Money("1.00", "EUR"))])

    def test_unknown_currency(self):
        with pytest.raises(ValueError, match="unknown currency"):
            Bill(id="B1", account_id="A1", patient_id="P1", bill_to=JANE, currency="usd")

    def test_a_bad_currency_names_the_bill_and_the_field(self):
        with pytest.raises(UnknownCurrencyError) as lower_case:
            Bill(id="B1", account_id="A1", patient_id="P1", bill_to=JANE, currency="usd")
        assert str(lower_case.value) == (
            "bill 'B1'.currency: unknown currency code 'usd' (str) (did you mean 'USD'?)"
        )
        with pytest.raises(UnknownCurrencyError, match=r"^bill 'B7'\.currency: unknown .*'XXQ'"):
            Bill(id="B7", account_id="A1", patient_id="P1", bill_to=JANE, currency="XXQ")
        with pytest.raises(TypeError) as not_text:
            Bill(id="B1", account_id="A1", patient_id="P1", bill_to=JANE, currency=840)
        assert str(not_text.value) == (
            "bill 'B1'.currency must be an ISO 4217 code (a str), got 840 (int)"
        )


class TestAuthorization:
    form = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="forms/1")

    def test_self_pay_fee_without_authorization_names_the_line(self):
        with pytest.raises(AuthorizationRequiredError, match="line 'F1' \\(fee\\)"):
            draft(lines=[line("F1", Category.FEE)])
        guarantor = Guarantor(id="G1", name="John Roe")
        with pytest.raises(AuthorizationRequiredError):
            draft(bill_to=guarantor, lines=[line("F1", Category.FEE)])

    def test_patient_liable_line_needs_it_on_a_self_pay_bill(self):
        with pytest.raises(AuthorizationRequiredError, match="'L7'"):
            draft(lines=[line("L7", patient_liable=True)])

    def test_signed_before_service_is_fine(self):
        auth = PatientAuthorization(
            id="A1",
            signed_by="Jane",
            signed_on=DAY - datetime.timedelta(days=2),
            document=self.form,
        )
        bill = draft(lines=[line("F1", Category.FEE, authorization=auth)])
        assert bill.lines[0].id == "F1"

    def test_signed_after_service_is_refused(self):
        auth = PatientAuthorization(
            id="A1",
            signed_by="Jane",
            signed_on=DAY + datetime.timedelta(days=1),
            document=self.form,
        )
        with pytest.raises(AuthorizationRequiredError, match="after the service date"):
            draft(lines=[line("F1", Category.FEE, authorization=auth)])

    def test_payer_bill_does_not_need_patient_authorization(self):
        assert not draft(bill_to=ACME, lines=[line("F1", Category.FEE)]).is_self_pay


# ------------------------------------------------------------------ properties

ALLOWED = {
    ("issue", BillStatus.DRAFT),
    ("void", BillStatus.DRAFT),
    ("void", BillStatus.ISSUED),
    ("balance", BillStatus.ISSUED),
    ("add", BillStatus.DRAFT),
    ("remove", BillStatus.DRAFT),
}


def legal(bill: Bill) -> bool:
    """The legal states, written out independently of the constructor."""
    dates_set = bill.issued_on is not None and bill.due_on is not None
    no_dates = bill.issued_on is None and bill.due_on is None
    if not (dates_set or no_dates):
        return False
    if dates_set and bill.due_on < bill.issued_on:
        return False
    ends = [x.service_through or x.service_date for x in bill.lines]
    if dates_set and any(end > bill.issued_on for end in ends):
        return False  # issued before a day of service
    born = getattr(bill.bill_to, "birth_date", None)
    if born is not None and any(x.service_date < born for x in bill.lines):
        return False
    if bill.status is BillStatus.DRAFT:
        return no_dates and bill.void_reason is None
    if bill.status in (BillStatus.ISSUED, BillStatus.BALANCED):
        return dates_set and bool(bill.lines) and bill.void_reason is None
    return bool(bill.void_reason)


# Services up to DAY, so that issuing on DAY is allowed.
BEFORE_DAY = service_dates(max_value=DAY)


@settings(max_examples=60)
@given(
    bills(max_lines=3, service_date=BEFORE_DAY),
    st.lists(st.sampled_from(["issue", "void", "balance", "add", "remove"]), max_size=8),
    st.data(),
)
def test_transitions_never_produce_an_illegal_state(bill, ops, data):
    assert legal(bill)
    for op in ops:
        before = bill
        try:
            if op == "issue":
                # a bill is issued on or after its last day of service (a line may run past DAY)
                issued = max([DAY, *(x.service_end for x in bill.lines)])
                bill = issue_bill(bill, issued, issued + datetime.timedelta(days=30))
            elif op == "void":
                bill = void_bill(bill, "reason")
            elif op == "balance":
                bill = mark_balanced(bill)
            elif op == "add":
                born = getattr(bill.bill_to, "birth_date", None) or datetime.date(2015, 1, 1)
                after_birth = service_dates(
                    min_value=max(born, datetime.date(2015, 1, 1)), max_value=DAY
                )
                new = data.draw(
                    line_items(bill.currency, diagnosis_count=0, service_date=after_birth)
                )
                if any(x.id == new.id for x in bill.lines):
                    continue
                bill = add_line(bill, new)
            elif bill.lines:
                bill = remove_line(bill, bill.lines[0].id)
            else:
                continue
        except InvalidTransitionError:
            assert bill is before
            empty_issue = op == "issue" and bill.status is BillStatus.DRAFT and not bill.lines
            assert (op, before.status) not in ALLOWED or empty_issue
        else:
            assert (op, before.status) in ALLOWED
        assert legal(bill)


@settings(max_examples=40)
@given(bills())
def test_generated_bills_are_legal(bill):
    assert legal(bill)


# ------------------------------------------------------------------ notebook views


def test_bill_html_shows_lines_and_masks_identifiers():
    jane = Patient(id="MRN-000123456", name="Jane Roe")
    bill = issue_bill(
        Bill(
            id="B1",
            account_id="ACCT-99887766",
            patient_id="MRN-000123456",
            bill_to=jane,
            currency="USD",
            lines=[line(), line("L2", Category.SUPPLY, charge=Money("12.34", "USD"))],
        ),
        DAY,
        DAY + datetime.timedelta(days=30),
    )
    page = bill._repr_html_()
    assert page.count("<tr>") == 1 + 2 + 1  # heading, two lines, total
    assert ">L1<" in page and ">L2<" in page and ">supply<" in page
    assert ">$100.00<" in page and ">$12.34<" in page and ">$112.34<" in page
    assert "issued 2024-03-04, due 2024-04-03" in page
    assert "Jane" not in page and "Roe" not in page
    assert "MRN-000123456" not in page and "99887766" not in page
    assert "patient ****3456" in page
    to_payer = draft(bill_to=ACME, lines=[line()])._repr_html_()
    assert "payer Acme Health" in to_payer


def test_bill_records():
    rows = draft(lines=[line(), line("L2", charge=Money("0.01", "USD"))]).to_records()
    assert [(r["bill_id"], r["status"], r["line_id"], r["charge"]) for r in rows] == [
        ("B1", "draft", "L1", Decimal("100.00")),
        ("B1", "draft", "L2", Decimal("0.01")),
    ]
    assert rows[0]["service_date"] == DAY and rows[0]["currency"] == "USD"
    assert draft().to_records() == []


# ------------------------------------------------------------------ dates against the services


def test_a_bill_is_not_issued_before_its_last_day_of_service():
    stay = line("R1", Category.ROOM, service_through=DAY + datetime.timedelta(days=2), units=3)
    with pytest.raises(ValidationError) as info:
        issue_bill(draft(lines=[line(), stay]), DAY + datetime.timedelta(days=1), DAY + D30)
    (finding,) = info.value.findings
    assert finding.location == "bill 'B1'.issued_on"
    assert finding.rule == "bill.issued_on.before_service"
    assert finding.message == "2024-03-05 is before the service date 2024-03-06 of line 'R1'"
    on_the_last_day = issue_bill(
        draft(lines=[line(), stay]), DAY + datetime.timedelta(days=2), DAY + D30
    )
    assert on_the_last_day.status is BillStatus.ISSUED


def test_a_bill_issued_before_its_only_service_is_refused():
    with pytest.raises(ValidationError, match=r"issued_on: 2024-03-03 is before the service date"):
        issue_bill(draft(lines=[line()]), DAY - datetime.timedelta(days=1), DAY + D30)


def test_a_patient_billed_for_a_service_before_their_birth_is_refused():
    baby = Patient(id="P1", name="Baby Roe", birth_date=DAY + datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as info:
        draft(bill_to=baby, lines=[line()])
    (finding,) = info.value.findings
    assert finding.location == "bill 'B1'.bill_to.birth_date"
    assert "2024-03-07" not in str(info.value)


def test_bill_identifiers_of_the_wrong_type_are_not_echoed():
    with pytest.raises(TypeError) as info:
        Bill(id="B1", account_id="A1", patient_id=55501234, bill_to=JANE, currency="USD")
    assert str(info.value) == (
        "bill 'B1'.patient_id must be a str, "
        "got an int (value not shown: protected health information)"
    )
    with pytest.raises(TypeError) as info:
        Bill(
            id="B1", account_id="A1", patient_id="P1", bill_to={"name": "Jane Roe"}, currency="USD"
        )
    assert "Jane" not in str(info.value)
