-- One database per service (each service creates the extensions it needs, PostGIS included, in
-- its own database on start). Run by the postgres image on the first start of an empty volume.
CREATE DATABASE mercato_auth;
CREATE DATABASE mercato_users;
CREATE DATABASE mercato_sellers;
CREATE DATABASE mercato_products;
CREATE DATABASE mercato_inventory;
CREATE DATABASE mercato_orders;
CREATE DATABASE mercato_notifications;
CREATE DATABASE mercato_media;
