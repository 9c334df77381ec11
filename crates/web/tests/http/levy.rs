//! The levy account: only L&D and finance see money; an imported pay bill
//! gives the levy worked out by hand; a bad file changes nothing; a what-if
//! cohort is shown beside the forecast without being saved.

use crate::support::*;
use pathwise_domain::AppRole;
use pathwise_domain::levy::Month;

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    kind: &str,
    csv: String,
) -> (StatusCode, String) {
    let (status, html, _) =
        post_file(app, c, "/levy", "/levy", &[("kind", kind)], Some(&csv)).await;
    (status, html)
}

fn rows_of(csv: &str) -> Vec<Vec<i64>> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').skip(1).map(|c| c.parse().unwrap()).collect())
        .collect()
}

#[tokio::test]
async fn only_l_and_d_and_finance_see_the_levy_account() {
    let app = spawn_app().await;
    for who in ["learner", "manager", "analyst"] {
        let c = app.signed_in(who).await;
        for path in ["/levy", "/levy/forecast.csv", "/levy/forecast.xlsx"] {
            let (status, _) = app.page(&c, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who} {path}");
        }
        let form = reqwest::multipart::Form::new().text("kind", "pay_bill");
        let res = c
            .post(app.url("/levy"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who} import");
        let (_, home) = app.page(&c, "/catalogue").await;
        assert!(!home.contains("href=\"/levy\""), "{who} has no Levy link");
    }
    let org = app.org_id().await;
    let finance = app
        .account(org, None, "finance@demo.pathwise.test", &[AppRole::Finance])
        .await;
    let (status, html) = app.page(&finance, "/levy").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/levy\""), "finance has the Levy link");
    assert!(html.contains("id=\"ledger\""), "the demo trust's forecast");
    // Another organisation's L&D sees only their own (empty) account.
    let other = app.other_organisation_admin().await;
    let (status, html) = app.page(&other, "/levy").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"levy-empty\""), "{html}");
}

#[tokio::test]
async fn an_imported_pay_bill_gives_the_levy_worked_out_by_hand() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (status, html) = app.page(&admin, "/levy").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg"), "a chart");
    // £1,000,000 every month from April last year to three years ahead:
    // 0.5% is £5,000, less the £1,250 allowance, every month.
    let now = Month::of(pathwise_web::today());
    let first = now.year_start().plus(-12);
    let mut csv = String::from("month,pay_bill_pence\n");
    for i in 0..first.months_until(now.plus(40)) {
        csv.push_str(&format!("{},100000000\n", first.plus(i)));
    }
    let (status, html) = upload(&app, &admin, "pay_bill", csv).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Pay bill imported:"), "{html}");
    let (status, csv) = app.page(&admin, "/levy/forecast.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("month,levy_in,top_up,instalments,completions,transfers_out,expired,"));
    let rows = rows_of(&csv);
    assert_eq!(rows.len(), 36);
    for r in &rows {
        assert_eq!(
            (r[0], r[1]),
            (375_000, 0),
            "levy in, and no top-up after July 2026"
        );
    }
    // Every month balances: last month's balance, in, less what the account paid and expired.
    let (_, html) = app.page(&admin, "/levy").await;
    let opening = html
        .split("id=\"levy-opening\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .trim_start_matches('£')
        .replace([',', '.'], "")
        .parse::<i64>()
        .unwrap();
    let mut balance = opening;
    for r in &rows {
        balance += r[0] + r[1] - (r[2] + r[3] + r[4] - r[6] - r[7]) - r[5];
        assert_eq!(balance, r[8]);
    }
}

#[tokio::test]
async fn a_bad_file_names_the_row_and_column_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (_, before) = app.page(&admin, "/levy/forecast.csv").await;
    let csv = "id,standard,start,planned_end,price_pence,age_at_start\n\
               NEW-1,ST0217,2027-01,2029-01,900000,30\n\
               NEW-2,ST0812,2027-01,2026-01,900000,30\n"
        .to_string();
    let (status, html) = upload(&app, &admin, "apprenticeships", csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("row 3, column standard: &#39;ST0812&#39; is not a standard in the register"),
        "{html}"
    );
    assert!(
        html.contains("row 3, column planned_end: The planned end must be after the start"),
        "{html}"
    );
    assert!(html.contains("Nothing was imported"));
    assert!(!html.contains("NEW-1"), "the good row was not stored");
    let (_, after) = app.page(&admin, "/levy/forecast.csv").await;
    assert_eq!(before, after);
    let (status, html) = upload(&app, &admin, "payroll", "month\n".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Choose what the file holds"));
}

#[tokio::test]
async fn a_what_if_cohort_is_shown_beside_the_forecast_and_not_saved() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let start = Month::of(pathwise_web::today()).plus(3);
    let query = format!(
        "cohort_size=10&cohort_standard=ST0827&cohort_start={}",
        start.in_words().replace(' ', "+")
    );
    let (status, html) = app.page(&admin, &format!("/levy?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(&format!(
            "Shown beside the forecast, not saved: 10 Nursing associate (NMC 2018) apprentices starting in {}, £15,000.00 each over 24 months, aged 25 at start.",
            start.in_words()
        )),
        "{html}"
    );
    assert!(html.contains("Balance with cohort"));
    let (_, with) = app
        .page(&admin, &format!("/levy/forecast.csv?{query}"))
        .await;
    assert!(
        with.lines()
            .next()
            .unwrap()
            .ends_with(",balance_with_cohort,expired_with_cohort")
    );
    // Columns after the month: balance is 8, balance with the cohort 10.
    // Nothing changes before the cohort starts; from its first month its
    // instalments (80% of £15,000 over 24 months, £5,000 a month for ten)
    // leave less in the account.
    let rows = rows_of(&with);
    assert!(
        rows[..3].iter().all(|r| r[8] == r[10]),
        "no change before the cohort starts"
    );
    assert!(
        rows[3][10] < rows[3][8] || rows[3][10] == 0,
        "{:?}",
        rows[3]
    );
    let (_, plain) = app.page(&admin, "/levy").await;
    assert!(!plain.contains("What-if"), "nothing saved");
    let (status, html) = app
        .page(&admin, "/levy?cohort_size=0&cohort_start=soon")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Enter how many learners, from 1 to 200"));
    assert!(html.contains("Enter the month they start"));
}

#[tokio::test]
async fn a_progress_review_recorded_clears_an_overdue_flag() {
    let app = spawn_app().await;
    let c = app.signed_in("admin").await;
    let (_, html) = app.page(&c, "/levy").await;
    let rows = table_rows(&html, "reviews");
    // The demo records no reviews, so those in learning for months are overdue, listed first.
    let overdue = rows
        .iter()
        .find(|r| r[4] == "Overdue")
        .unwrap_or_else(|| panic!("{rows:?}"))
        .clone();
    assert_eq!(overdue[2], "None yet");
    assert_eq!(rows[0][4], "Overdue", "overdue first");
    let id = overdue[0].clone();
    let post = |fields: Vec<(&'static str, String)>| {
        let (app, c) = (&app, &c);
        async move {
            let csrf = app.csrf_of(c, "/levy").await;
            let mut form = vec![("csrf", csrf)];
            form.extend(fields);
            let res = c
                .post(app.url("/levy/reviews"))
                .form(&form)
                .send()
                .await
                .unwrap();
            let status = res.status();
            if status == StatusCode::SEE_OTHER {
                return app.page(c, &location(&res)).await;
            }
            (status, res.text().await.unwrap())
        }
    };
    let (status, html) = post(vec![
        ("apprenticeship", id.clone()),
        ("held_on", "1 January 2099".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Enter a day that has passed"));
    let (status, html) = post(vec![
        ("apprenticeship", "NOPE".into()),
        ("held_on", "yesterday".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("is not a date"));

    // The test app runs on the system clock, as the demo was built on.
    let today = pathwise_web::clock::Clock::System.today();
    let (status, html) = post(vec![
        ("apprenticeship", id.clone()),
        ("held_on", today.to_string()),
    ])
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&format!("Progress review of {id} recorded.")));
    let rows = table_rows(&html, "reviews");
    let row = rows.iter().find(|r| r[0] == id).unwrap();
    assert_eq!(row[2], today.in_words());
    assert_eq!(row[4], "On track");

    let learner = app.signed_in("learner").await;
    let res = learner
        .post(app.url("/levy/reviews"))
        .form(&[("apprenticeship", id.as_str()), ("held_on", "2026-12-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn l_and_d_and_finance_hear_once_a_month_of_funds_about_to_expire() {
    use pathwise_domain::levy::{Month, OpeningFunds};
    use pathwise_storage::levy::{LevyFile, import};
    let app = spawn_app().await;
    let shipped =
        pathwise_storage::shipped::read_dir(&pathwise_storage::shipped::default_dir()).unwrap();
    let today = pathwise_web::clock::Clock::System.today();
    // Another organisation whose only funds entered 23 months ago: before
    // August 2026 funds last 24 months, so they expire at this month's end.
    let admin = app.other_organisation_admin().await;
    let org = people::organisation_by_code(&app.store, "OTHER")
        .await
        .unwrap()
        .unwrap()
        .0;
    let entered = Month::of(today).plus(-23);
    import(
        &app.store,
        org,
        &LevyFile::OpeningFunds(vec![OpeningFunds {
            entered,
            amount_pence: 1_234_500,
        }]),
        None,
        1,
    )
    .await
    .unwrap();
    let finance = app
        .account(org, None, "finance@other.test", &[AppRole::Finance])
        .await;
    let analyst = app
        .account(org, None, "analyst@other.test", &[AppRole::Analyst])
        .await;
    let given = pathwise_web::levy::remind_expiring(&app.store, &shipped, today, 1_000)
        .await
        .unwrap();
    assert!(
        given >= 2,
        "the other trust's L&D lead and finance, at least: {given}"
    );
    let again = pathwise_web::levy::remind_expiring(&app.store, &shipped, today, 2_000)
        .await
        .unwrap();
    assert_eq!(again, 0, "once a month");
    for (who, c) in [("L&D", &admin), ("finance", &finance)] {
        let (_, html) = app.page(c, "/notifications").await;
        assert!(
            html.contains("£12,345.00 of levy funds will expire unused"),
            "{who}: {html}"
        );
    }
    let (_, html) = app.page(&analyst, "/notifications").await;
    assert!(!html.contains("levy funds will expire"), "not the analyst");
}

#[tokio::test]
async fn the_api_forecast_is_the_pages_forecast_for_those_who_see_money() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (status, doc) = json(&admin, app.url("/api/v1/levy/forecast")).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let months = doc["months"].as_array().unwrap();
    assert_eq!(months.len(), 36);
    // Month by month, the same figures as the page's CSV export.
    let (_, csv) = app.page(&admin, "/levy/forecast.csv").await;
    for (line, m) in csv.lines().skip(1).zip(months) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], m["month"].as_str().unwrap());
        assert_eq!(
            cells[9].parse::<i64>().unwrap(),
            m["balance"].as_i64().unwrap()
        );
        assert_eq!(
            cells[6].parse::<i64>().unwrap(),
            m["expired"].as_i64().unwrap()
        );
    }
    for who in ["learner", "manager", "analyst"] {
        let c = app.signed_in(who).await;
        let (status, _) = json(&c, app.url("/api/v1/levy/forecast")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
    }
}
