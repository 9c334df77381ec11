-- WRES indicator 2: each recruitment extract an organisation imports, kept
-- only as counts of White and BME applicants shortlisted and appointed for
-- the period it covers (no applicant is stored). A period imported again
-- replaces its counts.
CREATE TABLE recruitment_counts (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    white_shortlisted BIGINT NOT NULL,
    white_appointed BIGINT NOT NULL,
    bme_shortlisted BIGINT NOT NULL,
    bme_appointed BIGINT NOT NULL,
    applicants BIGINT NOT NULL,
    imported_by BIGINT REFERENCES users(id),
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, period)
);
