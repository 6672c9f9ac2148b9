-- grain: one row per country x year: the average price of electricity to industry there, USD per
-- kWh (the site's price in the amortised cost view; a row serves until the country's next one).
with source as (
    select * from raw_electricity_prices
),

final as (
    select
        country,
        year,
        usd_per_kwh,
        source
    from source
)

select * from final
