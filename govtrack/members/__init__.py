"""The member roster (anggota), conflicts of interest, and links from users to members."""
