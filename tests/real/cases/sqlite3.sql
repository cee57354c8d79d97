-- real-run: /usr/bin/sqlite3 -bail -init @CASE@ test.db
--
-- A scripted session on a file database (test.db in the scratch directory): tables,
-- inserts, aggregates, a transaction committed and one rolled back, .dump.
.headers on
.mode list
CREATE TABLE dept (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id),
                  salary REAL, hired TEXT);
CREATE INDEX emp_dept ON emp(dept);
INSERT INTO dept (name) VALUES ('eng'), ('ops'), ('sales');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO emp (name, dept, salary, hired)
SELECT 'e' || i, 1 + i % 3, 1000 + (i * 37) % 500, date('2020-01-01', '+' || i || ' days')
FROM n;
SELECT d.name, count(*) AS n, sum(e.salary) AS total, round(avg(e.salary), 2) AS mean,
       min(e.hired) AS first, max(e.hired) AS last
FROM emp e JOIN dept d ON d.id = e.dept GROUP BY d.name ORDER BY d.name;
SELECT dept, group_concat(name, ',') FROM (SELECT * FROM emp WHERE id % 40 = 0 ORDER BY id)
GROUP BY dept HAVING count(*) > 1;
BEGIN TRANSACTION;
UPDATE emp SET salary = salary * 2 WHERE dept = 2;
DELETE FROM emp WHERE id > 190;
COMMIT;
BEGIN;
DELETE FROM emp;
ROLLBACK;
SELECT count(*), sum(salary), total(id) FROM emp;
SELECT strftime('%Y-%W-%j', '2024-02-29'), julianday('2000-01-01'), printf('%08.3f', pi());
.mode csv
SELECT * FROM emp WHERE id IN (1, 2, 150) ORDER BY id;
.mode list
CREATE TABLE small AS SELECT id, name FROM emp WHERE id <= 5;
PRAGMA integrity_check;
.dump small dept
