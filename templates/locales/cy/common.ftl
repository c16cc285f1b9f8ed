# Testun y mae pob tudalen yn ei rannu.
skip-to-content = Neidio i'r prif gynnwys
footer-tagline = arolygu a meincnodi cod agored
language-switch-label = Iaith
language-switch-to = Newid yr iaith i Saesneg
error-prefix = Gwall:
