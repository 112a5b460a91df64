-- FreshSliceTest: the second script fails (no such table)
INSERT INTO fresh_slice_test_broken.missing VALUES (1);
