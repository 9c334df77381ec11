-- The apprenticeship levy account of an organisation: its pay bill by
-- payroll month, the funds already in the account when it started using
-- Pathwise, its apprenticeships and its transfers to partners. Money is
-- whole pence; months are YYYY-MM.
CREATE TABLE levy_pay_bills (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    month TEXT NOT NULL,
    pay_bill_pence BIGINT NOT NULL CHECK (pay_bill_pence >= 0),
    english_basis_points BIGINT NOT NULL CHECK (english_basis_points BETWEEN 0 AND 10000),
    PRIMARY KEY (org_id, month)
);
CREATE TABLE levy_opening_funds (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    entered TEXT NOT NULL,
    amount_pence BIGINT NOT NULL CHECK (amount_pence > 0),
    PRIMARY KEY (org_id, entered)
);
CREATE TABLE apprenticeships (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    standard TEXT NOT NULL,
    start_month TEXT NOT NULL,
    planned_end TEXT NOT NULL,
    price_pence BIGINT NOT NULL CHECK (price_pence > 0),
    age_at_start BIGINT NOT NULL CHECK (age_at_start BETWEEN 16 AND 99),
    completed TEXT,
    withdrawn TEXT,
    break_from TEXT,
    break_to TEXT,
    price_change_from TEXT,
    new_price_pence BIGINT CHECK (new_price_pence > 0),
    PRIMARY KEY (org_id, code)
);
CREATE TABLE levy_transfers (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    partner TEXT NOT NULL,
    standard TEXT NOT NULL,
    start_month TEXT NOT NULL,
    planned_end TEXT NOT NULL,
    price_pence BIGINT NOT NULL CHECK (price_pence > 0),
    age_at_start BIGINT NOT NULL CHECK (age_at_start BETWEEN 16 AND 99),
    PRIMARY KEY (org_id, code)
);
