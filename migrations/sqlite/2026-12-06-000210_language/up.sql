-- The language a person reads (a BCP 47 tag such as de or pt-BR), where known: the desk shows it
-- beside their time zone.
ALTER TABLE users ADD COLUMN language TEXT;
