-- Progress reviews held with an apprentice, their employer and provider:
-- one row a review, by the apprenticeship's code within the organisation.
CREATE TABLE apprenticeship_reviews (
    org_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    held_on TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, code, held_on),
    FOREIGN KEY (org_id, code) REFERENCES apprenticeships(org_id, code)
);
