-- Where to fund training places: a simulation an analyst or L&D lead saved,
-- with the trusts file it was run on (one row per trust, in file order).
-- The frontier is worked out again from these when the simulation is shown.
-- Vacancies and completion rates are ten-thousandths; the transition rate
-- is kept as the text of the number, so it reads back exactly.
CREATE TABLE place_simulations (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    places INTEGER NOT NULL CHECK (places > 0),
    completion INTEGER NOT NULL CHECK (completion > 0 AND completion <= 10000),
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX place_simulations_org ON place_simulations (org_id, created_at);
CREATE TABLE place_simulation_trusts (
    simulation_id INTEGER NOT NULL REFERENCES place_simulations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    org_code TEXT NOT NULL,
    region TEXT NOT NULL,
    trust_type TEXT NOT NULL,
    support_workers INTEGER NOT NULL CHECK (support_workers >= 0),
    vacancies INTEGER NOT NULL CHECK (vacancies >= 0),
    transition_rate TEXT NOT NULL,
    max_places INTEGER CHECK (max_places >= 0),
    completion INTEGER CHECK (completion > 0 AND completion <= 10000),
    PRIMARY KEY (simulation_id, position)
);
