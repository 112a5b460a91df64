-- FreshSliceTest: an enum type
CREATE TYPE fresh_slice_test_enum.color AS ENUM ('red');
