-- FreshSliceTest: uses the new value, so it needs V2 committed first: fails in one transaction with V2
CREATE TABLE fresh_slice_test_enum.paint (c fresh_slice_test_enum.color NOT NULL DEFAULT 'blue');
