-- FreshSliceTest: the first script works
CREATE TABLE fresh_slice_test_broken.kept (id int PRIMARY KEY);
