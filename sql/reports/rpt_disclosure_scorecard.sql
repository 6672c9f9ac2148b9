-- grain: one row per organisation with a model on an Epoch AI list: how many of its listed
-- models disclose each footprint input (energy, GPU-hours, hardware, location, emissions; see
-- fct_notable_models for what counts), as a count and a share, beside how many are on the board
-- and how many cannot be estimated at all. The transparency gap, measured.
-- A model made by several organisations ('Google DeepMind; Google') counts for each of them, so
-- the rows add up to more models than there are; a model with no organisation on file counts
-- under 'unknown'. Organisations with the most listed models first.
with notable as (
    select * from fct_notable_models
),

by_organization as (
    select
        trim(unnest(string_split(coalesce(organization, 'unknown'), '; '))) as organization,
        *
        exclude (organization)
    from notable
),

counted as (
    select
        organization,
        count(*) as notable_models,
        count(*) filter (where status = 'on the board') as on_board,
        count(*) filter (where status = 'needs review') as needs_review,
        count(*) filter (where status = 'not estimable') as not_estimable,
        count(*) filter (where discloses_energy) as energy_models,
        count(*) filter (where discloses_gpu_hours) as gpu_hours_models,
        count(*) filter (where discloses_hardware) as hardware_models,
        count(*) filter (where discloses_location) as location_models,
        count(*) filter (where discloses_emissions) as emissions_models
    from by_organization
    group by organization
),

final as (
    select
        organization,
        notable_models,
        on_board,
        needs_review,
        not_estimable,
        energy_models,
        round(energy_models / notable_models, 3) as energy_share,
        gpu_hours_models,
        round(gpu_hours_models / notable_models, 3) as gpu_hours_share,
        hardware_models,
        round(hardware_models / notable_models, 3) as hardware_share,
        location_models,
        round(location_models / notable_models, 3) as location_share,
        emissions_models,
        round(emissions_models / notable_models, 3) as emissions_share
    from counted
    order by notable_models desc, organization
)

select * from final
