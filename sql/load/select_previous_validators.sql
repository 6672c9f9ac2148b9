-- The newest validators (ETag / Last-Modified) of a source's URL, skipping payloads whose load
-- was rejected: a 304 must never pin us to a copy that did not land.
-- Parameters: source, token-free url.
select m.etag, m.last_modified
from meta_raw_manifest as m
where m.source = ? and m.url = ?
  and (m.etag is not null or m.last_modified is not null)
  and not exists (
      select 1 from meta_load_log as l
      where l.source_sha256 = m.sha256 and l.status = 'rejected'
  )
order by m.fetched_at desc
limit 1
