insert into meta_raw_manifest
    (sha256, source, url, etag, last_modified, http_status, content_type, bytes, fetched_at, raw_path)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
on conflict do nothing;
