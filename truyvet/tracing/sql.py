"""The one SQL statement that finds the next level of a trace.

Given the frontier (level k-1 persons, each with a window) and everyone
already traced, it returns each newly reached person's earliest contact.
It never pairs every source interval with every target interval (a shared
canteen would make that quadratic); instead, per place or group it sorts
sources and targets together and sweeps:

* a source that starts at or before a target `t` gives contact time
  `t.start` if its end reaches `t.start + min_overlap`: the running maximum
  of source ends answers that (`cover`);
* otherwise the earliest contact is the first source starting after
  `t.start` (found by rank: the running count of earlier sources, plus
  one), valid if it starts by `t.end - min_overlap`, because every source
  kept is itself at least `min_overlap` long.

Every place or group is one integer sweep key `gid` (the place id; minus a
dense number for each group), so sorts, windows and joins compare integers
and timestamps only. Sources are numbered in (a, pid, b) order; a source is
a *record* when its end exceeds every end before it. The running maximum of
ends over the sources at or before `t.start` is then the end of the last
record among them, found by the running count of records; the first later
source is found by the running count of sources. Both are hash joins on one
bigint key (gid * 2^32 + number), so no plan can pair every source with
every target.

Sources are the frontier's intervals already clipped to their windows, so
`O = [max(a, t.start), min(b, t.end))` is exactly the spec's overlap.
Group memberships are handled as places with a zero minimum overlap.
Targets at a place are fetched through the (place_id, start) index within
merged "islands" `[a - longest_stay, b)`, `longest_stay` being the larger of
the place's dwell and the longest explicit stay ever seen there
(tracing_placespan), so no presence overlapping a source can be missed.
"""

LEVEL_SQL = r"""
WITH
kr AS (
    SELECT * FROM unnest(%(k_kind)s::text[], %(k_makes)s::boolean[],
                         %(k_dwell)s::int[], %(k_minov)s::int[]) AS k(kind, makes, dwell, minov)
),
f AS (
    SELECT * FROM unnest(%(f_pid)s::int[], %(f_ws)s::timestamptz[], %(f_we)s::timestamptz[])
        AS f(pid, ws, we)
),
fraw AS MATERIALIZED (
    -- Every LATERAL ... OFFSET 0 below is a per-row index probe, never a
    -- hash join over a whole table (the statement runs with nested loops
    -- disabled, so every other join is a hash join).
    SELECT f.pid, f.ws, f.we, pr.place_id, pr.start, pr."end"
    FROM f CROSS JOIN LATERAL (
        SELECT place_id, start, "end" FROM places_presence
        WHERE person_id = f.pid AND start < f.we OFFSET 0
    ) pr
),
prules AS MATERIALIZED (
    SELECT pl.id AS place_id, pl.code,
           make_interval(mins => COALESCE(pl.dwell_minutes, kr.dwell)) AS dwell,
           make_interval(mins => COALESCE(pl.min_overlap_minutes, kr.minov)) AS minov
    FROM (SELECT DISTINCT place_id FROM fraw) fp
    CROSS JOIN LATERAL (
        SELECT id, code, kind, dwell_minutes, min_overlap_minutes FROM places_place
        WHERE id = fp.place_id OFFSET 0
    ) pl
    JOIN kr ON kr.kind = pl.kind AND kr.makes
),
src_place AS MATERIALIZED (
    SELECT pid, gid, minov, a, b FROM (
        SELECT fr.pid, fr.place_id AS gid, r.minov, GREATEST(fr.start, fr.ws) AS a,
               LEAST(COALESCE(fr."end", fr.start + r.dwell), fr.we) AS b
        FROM fraw fr JOIN prules r ON r.place_id = fr.place_id
    ) s
    WHERE b > a AND b - a >= minov
),
pbound AS MATERIALIZED (
    SELECT r.place_id, r.dwell, r.minov,
           GREATEST(r.dwell, COALESCE(ps.max_span, interval '0')) AS g
    FROM prules r LEFT JOIN tracing_placespan ps ON ps.place_id = r.place_id
),
islands AS MATERIALIZED (
    SELECT gid, min(dwell) AS dwell, min(minov) AS minov, min(lo) AS lo, max(hi) AS hi FROM (
        SELECT gid, dwell, minov, lo, hi,
               sum(brk) OVER (PARTITION BY gid ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS isl
        FROM (
            SELECT gid, dwell, minov, lo, hi,
                   CASE WHEN lo <= max(hi) OVER (PARTITION BY gid ORDER BY lo, hi
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                        THEN 0 ELSE 1 END AS brk
            FROM (SELECT s.gid, pb.dwell, pb.minov, s.a - pb.g AS lo, s.b AS hi
                  FROM src_place s JOIN pbound pb ON pb.place_id = s.gid) x
        ) y
    ) z GROUP BY gid, isl
),
tgt_place AS (
    SELECT i.gid, i.minov, t.q, t.ts, t.te
    FROM islands i CROSS JOIN LATERAL (
        SELECT person_id AS q, start AS ts, COALESCE("end", start + i.dwell) AS te
        FROM places_presence
        WHERE place_id = i.gid AND start >= i.lo AND start < i.hi
          AND person_id <> ALL (%(known)s::int[])  -- a constant array: hashed
        OFFSET 0
    ) t
    WHERE t.te > t.ts AND t.te - t.ts >= i.minov
),
src_group AS MATERIALIZED (
    SELECT pid, ctx, code, a, b FROM (
        SELECT f.pid, m.group_kind AS ctx, m.group_code AS code,
               GREATEST(m.valid_from::timestamp AT TIME ZONE %(tz)s, f.ws) AS a,
               LEAST(COALESCE((m.valid_to + 1)::timestamp AT TIME ZONE %(tz)s, 'infinity'), f.we) AS b
        FROM f CROSS JOIN LATERAL (
            SELECT group_kind, group_code, valid_from, valid_to FROM places_membership
            WHERE person_id = f.pid OFFSET 0
        ) m
    ) s WHERE b > a
),
grp AS MATERIALIZED (
    SELECT ctx, code, -row_number() OVER (ORDER BY ctx, code) AS gid,
           min(a) AS lo, max(b) AS hi
    FROM src_group GROUP BY ctx, code
),
tgt_group AS (
    SELECT g.gid, interval '0' AS minov, n.q, n.ts, n.te
    FROM grp g CROSS JOIN LATERAL (
        SELECT person_id AS q, valid_from::timestamp AT TIME ZONE %(tz)s AS ts,
               COALESCE((valid_to + 1)::timestamp AT TIME ZONE %(tz)s, 'infinity') AS te
        FROM places_membership
        WHERE group_kind = g.ctx AND group_code = g.code
          AND person_id <> ALL (%(known)s::int[])
        OFFSET 0
    ) n
    WHERE n.ts < g.hi AND n.te > g.lo
),
src AS MATERIALIZED (
    SELECT gid, minov, a, b, pid, rec,
           gid::bigint * 4294967296 + rk AS k_rk,
           CASE WHEN rec THEN gid::bigint * 4294967296
                + count(*) FILTER (WHERE rec) OVER (PARTITION BY gid ORDER BY a, pid, b
                                                    ROWS UNBOUNDED PRECEDING) END AS k_rec
    FROM (
        SELECT gid, minov, a, b, pid,
               row_number() OVER w AS rk,
               b > COALESCE(max(b) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                            '-infinity') AS rec
        FROM (
            SELECT gid, minov, a, b, pid FROM src_place
            UNION ALL
            SELECT g.gid, interval '0', s.a, s.b, s.pid
            FROM src_group s JOIN grp g ON g.ctx = s.ctx AND g.code = s.code
        ) u
        WINDOW w AS (PARTITION BY gid ORDER BY a, pid, b)
    ) r
),
ev AS (
    SELECT gid, minov, 0 AS side, a AS t0, rec, NULL::timestamptz AS te, NULL::int AS q FROM src
    UNION ALL
    SELECT gid, minov, 1, ts, NULL, te, q FROM tgt_place
    UNION ALL
    SELECT gid, minov, 1, ts, NULL, te, q FROM tgt_group
),
cand AS (
    -- Sources sort before targets at the same instant, so both running
    -- counts cover exactly the sources with a <= t.start.
    SELECT gid, minov, ts, te, q, before, recs FROM (
        SELECT gid, minov, side, t0 AS ts, te, q,
               count(*) FILTER (WHERE side = 0) OVER w AS before,
               count(*) FILTER (WHERE rec) OVER w AS recs
        FROM ev
        WINDOW w AS (PARTITION BY gid ORDER BY t0, side ROWS UNBOUNDED PRECEDING)
    ) sw
    WHERE side = 1
),
hits AS (
    -- r: the last record at or before t.start (it ends latest: contact at
    -- t.start if it covers min_overlap); else s: the first source after it.
    SELECT q, gid,
           CASE WHEN covered THEN ts WHEN s_a < te AND s_a <= te - minov THEN s_a END AS c,
           CASE WHEN covered THEN r_pid ELSE s_pid END AS up,
           LEAST(CASE WHEN covered THEN r_b ELSE s_b END, te) AS oe
    FROM (
        SELECT c.q, c.gid, c.ts, c.te, c.minov,
               COALESCE(r.b > c.ts AND r.b >= c.ts + c.minov, false) AS covered,
               r.pid AS r_pid, r.b AS r_b, s.pid AS s_pid, s.a AS s_a, s.b AS s_b
        FROM cand c
        LEFT JOIN src r ON r.k_rec = c.gid::bigint * 4294967296 + c.recs
        LEFT JOIN src s ON s.k_rk = c.gid::bigint * 4294967296 + c.before + 1
    ) j
),
best AS (
    SELECT DISTINCT ON (q) q, c, up, gid, oe FROM hits
    WHERE c IS NOT NULL
    ORDER BY q, c, up, gid, oe DESC
)
SELECT b.q, pq.national_id, pq.full_name, b.c, b.up,
       CASE WHEN b.gid > 0 THEN 'place' ELSE g.ctx END,
       CASE WHEN b.gid > 0 THEN pr.code ELSE g.code END, b.oe
FROM best b
CROSS JOIN LATERAL (
    SELECT national_id, full_name FROM registry_person WHERE id = b.q OFFSET 0
) pq
LEFT JOIN prules pr ON pr.place_id = b.gid
LEFT JOIN grp g ON g.gid = b.gid
"""
