-- grain: one row per leaderboard model: its total footprint (training + development + embodied,
-- central) in everyday terms, with the constants from dim_equivalence (each row there cites its
-- source). Carbon: average-car lifetimes (incl. fuel), litres of diesel burned, km driven by a
-- typical passenger car; energy (training + development): a French person's yearly electricity,
-- a US home's yearly electricity; water: people's yearly drinking water (2 L a day).
-- The low/high columns carry the leaderboard's range through the same (exact) division.
with board as (
    select * from rpt_leaderboard
),

eq as (
    select
        max(value) filter (where key = 'car_lifetime_co2e_t') as car_lifetime_t,
        max(value) filter (where key = 'diesel_kg_co2_per_l') as diesel_kg_per_l,
        max(value) filter (where key = 'car_kg_co2_per_km') as car_kg_per_km,
        max(value) filter (where key = 'french_person_electricity_kwh_per_year')
            as fr_person_kwh_year,
        max(value) filter (where key = 'us_home_electricity_kwh_per_year') as us_home_kwh_year,
        max(value) filter (where key = 'person_drinking_water_kl_per_year')
            as drinking_kl_year
    from dim_equivalence
),

final as (
    select
        b.rank,
        b.model,
        b.total_co2e_t,
        b.total_co2e_t / e.car_lifetime_t as car_lifetimes,
        b.total_co2e_t_low / e.car_lifetime_t as car_lifetimes_low,
        b.total_co2e_t_high / e.car_lifetime_t as car_lifetimes_high,
        b.total_co2e_t * 1000.0 / e.diesel_kg_per_l as diesel_litres,
        b.total_co2e_t * 1000.0 / e.car_kg_per_km as car_km,
        b.total_energy_mwh,
        b.total_energy_mwh * 1000.0 / e.fr_person_kwh_year as french_person_electricity_years,
        b.total_energy_mwh * 1000.0 / e.us_home_kwh_year as us_home_electricity_years,
        b.total_water_kl,
        b.total_water_kl / e.drinking_kl_year as person_drinking_water_years
    from board as b
    cross join eq as e
)

select * from final
