//! The projection's backtest: each published national year removed in turn, projected, and
//! compared day by day with its notice; Xinjiang's known festival years likewise.
//!
//! `cargo run --example backtest`; BENCHMARKS.md records the table.

use qixian::calendar::{DataSet, backtest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = DataSet::embedded()?;
    println!("cn: working-day statuses wrong per year, each year projected without its notice");
    println!("| year | wrong | days |");
    println!("| --- | ---: | --- |");
    let mut total = 0usize;
    let mut years = 0usize;
    for year in 2008..=2026 {
        let Some(misses) = backtest::national(&data, year) else {
            continue;
        };
        let days: Vec<String> = misses
            .iter()
            .map(|m| {
                let was = if m.published_working { "上班" } else { "休" };
                format!("{}{was}", m.date.format("%m-%d"))
            })
            .collect();
        println!("| {year} | {} | {} |", misses.len(), days.join(" "));
        total += misses.len();
        years += 1;
    }
    println!(
        "mean {:.2} over {years} years ({total} days)",
        total as f64 / years as f64
    );
    println!();
    println!(
        "cn-xj: statuses wrong within 10 days of each festival, on the published national days"
    );
    println!("| festival | year | wrong | days |");
    println!("| --- | --- | ---: | --- |");
    let mut xj_total = 0;
    for (name, year, misses) in backtest::xinjiang(&data) {
        let days: Vec<String> = misses
            .iter()
            .map(|m| m.date.format("%m-%d").to_string())
            .collect();
        println!(
            "| {name} | {year} | {} | {} |",
            misses.len(),
            days.join(" ")
        );
        xj_total += misses.len();
    }
    println!("total {xj_total}");
    Ok(())
}
