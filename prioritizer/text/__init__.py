"""Reading and writing what people type and read: WHEN values, quick add, short human texts."""
