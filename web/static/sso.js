// Single sign-on's two automatic steps, each with its button or link when scripts are off:
// the SAML request goes to the identity provider; after Repère's logout, the way to the
// provider's own logout is followed.
'use strict';
const form = document.getElementById('envoi-sso');
if (form) form.submit();
const away = document.getElementById('depart-sso');
if (away) window.location.replace(away.href);
