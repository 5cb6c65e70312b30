(** * Minima, spurious minima and saddles near a float point (own/ [*_near_float] certificates).

    The point is an exact snap of a float point. Its local minimum is proved by [check_cell]
    ([CellSound.v]: the risk on the point's activation cell is a convex function of the lifted
    variables, minimised at the point, which is the [lifted_normal_equations] argument), a
    spurious minimum adds [check_lower] for the better point, and a saddle is proved by its
    curves ([Curves.v]). [check_distance] recomputes the sup-norm distance to the float point;
    [distance_sound]: it is exactly the stated one. *)
From Coq Require Import List QArith Reals Qreals Lra.
From Symcert Require Import Defs QSem Curves CellDefs Cell CellSound FloatDefs.
Import ListNotations.

Fixpoint qsup_dist (p q : list Q) : Q :=
  match p, q with
  | a :: p', b :: q' => let u := qabs (qsub a b) in let v := qsup_dist p' q' in if Qle_bool u v then v else u
  | _, _ => 0%Q
  end.

Definition check_distance (p fp : list Q) (d : Q) : bool :=
  Nat.eqb (length p) (length fp) && Qeq_bool (qsup_dist p fp) d.

Local Open Scope R_scope.

Lemma qsup_dist_R p q : Q2R (qsup_dist p q) = sup_dist (params p) (params q).
Proof.
  revert q; induction p as [|a p IH]; intros [|b q]; simpl; try (unfold Q2R; simpl; field).
  rewrite <- IH, <- qsub_R, <- qabs_R.
  destruct (Qle_bool (qabs (qsub a b)) (qsup_dist p q)) eqn:E.
  - apply Qle_bool_iff, Qle_Rle in E. symmetry. apply Rmax_right, E.
  - symmetry. apply Rmax_left. apply Rlt_le, Qlt_Rlt, Qnot_le_lt. intro L.
    apply Qle_bool_iff in L. rewrite L in E. discriminate.
Qed.

Theorem distance_sound p fp d :
  check_distance p fp d = true -> at_distance (params p) (params fp) (Q2R d).
Proof.
  unfold check_distance, params. intro H. apply andb_prop in H. destruct H as [H1 H2].
  apply Nat.eqb_eq in H1. apply qeq_R in H2. split.
  - rewrite !map_length. exact H1.
  - rewrite <- H2. symmetry. apply qsup_dist_R.
Qed.

Corollary near_local_min n data c :
  check_cell n data c = true -> local_min (risk n data) (params (cl_point c)).
Proof. intro H. apply (cell_minima_sound n data c H). Qed.

Theorem near_spurious n data c pb vb :
  check_cell n data c = true -> check_lower n data (cl_point c) (cl_loss c) pb vb = true ->
  Nat.eqb (length pb) (length (cl_point c)) = true -> spurious_local_min (risk n data) (params (cl_point c)).
Proof.
  intros H1 H2 H3. split; [apply near_local_min, H1|]. exists (params pb). split.
  - unfold params. rewrite !map_length. apply Nat.eqb_eq, H3.
  - apply (lower_sound n data (cl_point c) (cl_loss c) pb vb H2).
Qed.
