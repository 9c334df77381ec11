-- WRES indicator 2: each recruitment extract an organisation imports, kept
-- only as counts of White and BME applicants shortlisted and appointed for
-- the period it covers (no applicant is stored). A period imported again
-- replaces its counts.
CREATE TABLE recruitment_counts (
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    white_shortlisted INTEGER NOT NULL,
    white_appointed INTEGER NOT NULL,
    bme_shortlisted INTEGER NOT NULL,
    bme_appointed INTEGER NOT NULL,
    applicants INTEGER NOT NULL,
    imported_by INTEGER REFERENCES users(id),
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, period)
);
