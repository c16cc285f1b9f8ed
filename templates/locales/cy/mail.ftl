# E-mail texts (mail::render).
