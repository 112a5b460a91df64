-- FreshSliceTest: a value added to it (usable once committed)
ALTER TYPE fresh_slice_test_enum.color ADD VALUE 'blue';
